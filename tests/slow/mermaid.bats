#!/usr/bin/env bats
# A real Mermaid renderer (mmdc, from @mermaid-js/mermaid-cli, with Debian's
# chromium: maint/setup slow installs both) renders every diagram: the
# chapter READMEs' and those make trace-chNN MERMAID=1 draws.

load ../helpers

MMDC=mmdc

# render MARKDOWN: mmdc renders each Mermaid block of MARKDOWN into an SVG
# file of its own, next to it, in one browser; fails if any does not parse.
render() {
    # Root may not sandbox chromium; the diagrams are ours.
    echo '{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox", "--disable-gpu"]}' \
        >"$BATS_TEST_TMPDIR/puppeteer.json"
    run timeout $((300 * ${TIME_SCALE:-1})) "$MMDC" --quiet -p "$BATS_TEST_TMPDIR/puppeteer.json" \
        -i "$1" -o "${1%.md}.out.md" -e svg
    assert_success
}

# svgs_drawn N: N SVG pictures were written, each with a drawing in it.
svgs_drawn() {
    local svgs=("$BATS_TEST_TMPDIR"/*.svg) svg
    [ "${#svgs[@]}" -eq "$1" ] || fail "$1 diagrams, ${#svgs[@]} pictures"
    for svg in "${svgs[@]}"; do
        grep -q '<svg' "$svg" || fail "$svg holds no picture"
        ! grep -q 'Syntax error' "$svg" || fail "$svg: Mermaid says: Syntax error"
    done
}

@test "every Mermaid diagram of the chapter READMEs, in both languages, renders" {
    # One README at a time: a browser rendering all twenty at once, on a
    # busy machine, times out.
    local readme md n=0 k=0
    for readme in "$REPO"/ch0*/README{,.zh-CN}.md; do
        grep -q '^```mermaid$' "$readme" || continue
        k=$((k + 1))
        md=$BATS_TEST_TMPDIR/readme$k.md
        awk '/^```mermaid$/ { on = 1 } on { print } /^```$/ { on = 0 }' "$readme" >"$md"
        n=$((n + $(grep -c '^```mermaid$' "$md")))
        render "$md"
    done
    [ "$n" -eq 20 ]
    svgs_drawn 20
}

@test "the diagram make trace-chNN MERMAID=1 draws renders, for every chapter" {
    local all=$BATS_TEST_TMPDIR/all.md chapter
    for chapter in "${CHAPTERS[@]}"; do
        run "$REPO/scripts/trace" --mermaid "$chapter"
        assert_success
        printf '```mermaid\n%s\n```\n\n' "$output" >>"$all"
    done
    render "$all"
    svgs_drawn "${#CHAPTERS[@]}"
}
