#!/usr/bin/env bats
# The repository's own rules: one definition of each shell function, shell
# helper files of at most 200 lines, one list of chapters.

load helpers

# shell_files: every shell script and sourced file of the repository.
shell_files() {
    local file first
    for file in "$REPO"/lib/*.bash "$REPO"/lib/harness/*.bash "$REPO"/tests/*.bash "$REPO"/tests/lib/*.bash \
        "$REPO"/tests/claims/*.bash "$REPO"/tests/*.bats "$REPO"/tests/slow/*.bats "$REPO"/tests/run \
        "$REPO"/tests/matrix "$REPO"/tests/doctest "$REPO"/scripts/* "$REPO"/maint/* "$REPO"/.ci/* \
        "$REPO"/bench/run "$REPO"/bench/*.bash; do
        [ -f "$file" ] || continue
        first=
        read -r first <"$file" || true
        [[ $first == *bash* || $first == *bats* || $first == \#* ]] && echo "$file"
    done
    return 0
}

@test "no shell function is defined in two files (but usage, each program's own, and the Bats hooks setup and teardown)" {
    local twice
    twice=$(shell_files | xargs grep -HoE '^[A-Za-z_][A-Za-z_0-9]*\(\) \{' | grep -vE ':(usage|setup|teardown|setup_file|teardown_file)\(\) \{$' |
        sed 's/() {$//' | awk -F: '{ files[$2] = files[$2] " " $1; n[$2]++ } END { for (f in n) if (n[f] > 1) print f ":" files[f] }')
    [ -z "$twice" ] || fail "defined more than once: $twice"
}

# long_helpers: each sourced shell file (*.bash of shell_files: a helper,
# not a program) over 200 lines, with its count, in LONG.
long_helpers() {
    local file line n
    LONG=
    while IFS= read -r file; do
        [[ $file == *.bash ]] || continue
        n=0
        while IFS= read -r line || [ -n "$line" ]; do
            n=$((n + 1))
        done <"$file"
        ((n <= 200)) || LONG+=" ${file#"$REPO"/} ($n)"
    done < <(shell_files)
}

@test "no shell helper file is over 200 lines" {
    long_helpers
    [ -z "$LONG" ] || fail "over 200 lines:$LONG"
}

@test "the chapter folders are named in chapters.txt and nowhere else but prose (Markdown, patch headers, the exercise tasks)" {
    local dir found
    for dir in "${CHAPTER_DIRS[@]}"; do
        found=$(cd "$REPO" && git grep -lF "$dir" -- . ':!*.md' ':!chapters.txt' ':!*.patch' ':!maint/mutants.txt' ':!scripts/exercise-tasks.txt' || true)
        [ -z "$found" ] || fail "$dir is written out in: $found"
    done
}
