#!/usr/bin/env bats
# The literate layer: what the READMEs, `make diff` and `make demo-chNN` say
# about the chapters is true, and the demos clean up after themselves.

load helpers
load lib/audit

# ---------------------------------------------------------------- helpers

# code_lines FILE: the code of a server.cpp, as the diff claims below count
# it. What is left out, and why:
# - the chapter's opening comment block: every line before the first
#   #include (each must be a // comment or blank, checked here: code
#   there would otherwise slip through); a test of its own checks that it
#   is the chapter's one-line title, then the same comment in every
#   chapter;
# - comments: whole-line // comments and trailing "  // ..." comments (a //
#   after white space; no string literal in these files contains one);
# - blank lines, and the indentation and trailing space of every line, so
#   that code moved one block deeper (into the child) is not a change.
# Everything else, #include lines among them, is code.
code_lines() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == '#include'* ]] && break
        if [[ -n $line && $line != //* ]]; then
            echo "code before the first #include in $1: $line" >&2
            return 1
        fi
        n=$((n + 1))
    done <"$1"
    tail -n +$((n + 1)) "$1" |
        sed -E 's/^[[:space:]]+//; s/[[:space:]]+\/\/.*$//; s/[[:space:]]+$//' |
        grep -vE '^(//.*)?$'
}

# code_diff K: the code lines removed ("< ") and added ("> ") from chapter
# K-1 to chapter K (1 to 4), in diff's order.
code_diff() {
    local old=$REPO/${CHAPTER_DIRS[$1 - 1]}/server.cpp new=$REPO/${CHAPTER_DIRS[$1]}/server.cpp
    code_lines "$old" >"$BATS_TEST_TMPDIR/old.code" || return 1
    code_lines "$new" >"$BATS_TEST_TMPDIR/new.code" || return 1
    diff "$BATS_TEST_TMPDIR/old.code" "$BATS_TEST_TMPDIR/new.code" | grep -E '^[<>] ' || true
}

# test_pairs: every `tests/FILE.bats`: `TEST NAME` pair, and every
# `tests/claims.txt`: `CLAIM` pair (a row of the claims matrix), in any README*.md of
# the repository, into PAIRS as "README<TAB>FILE<TAB>NAME" entries. Line
# breaks (and the indentation after them) count as one space, as in rendered
# Markdown, so a name wrapped over two lines is still found. One awk for all
# the READMEs: a process per README or per name adds up.
test_pairs() {
    local entry
    PAIRS=()
    find "$REPO" \( -path "$REPO/.git" -o -path "$REPO/build" \) -prune -o -name 'README*.md' -print |
        sort >"$BATS_TEST_TMPDIR/readmes"
    [ -s "$BATS_TEST_TMPDIR/readmes" ] || return 0
    # shellcheck disable=SC2016
    awk '
        function pairs(   t, pair, file, name) {
            t = text
            while (match(t, /`tests\/[A-Za-z0-9_.\/-]+\.(bats|txt)`: `[^`]+`/)) {
                pair = substr(t, RSTART, RLENGTH)
                t = substr(t, RSTART + RLENGTH)
                file = pair; sub(/^`/, "", file); sub(/`.*/, "", file)
                name = pair; sub(/^`[^`]*`: `/, "", name); sub(/`$/, "", name)
                print readme "\t" file "\t" name
            }
        }
        FNR == 1 { if (readme != "") pairs(); readme = FILENAME; text = "" }
        { line = $0; sub(/^[ \t]+/, "", line); text = text line " " }
        END { if (readme != "") pairs() }
    ' $(cat "$BATS_TEST_TMPDIR/readmes") >"$BATS_TEST_TMPDIR/pairs"
    while IFS= read -r entry; do
        PAIRS+=("${entry#"$REPO"/}")
    done <"$BATS_TEST_TMPDIR/pairs"
}

# test_names: sets NAMES, an associative array whose keys are
# "tests/FILE.bats<TAB>TEST NAME" for every @test of every tests/*.bats and
# tests/slow/*.bats, and "tests/claims.txt<TAB>CLAIM" for every claim.
test_names() {
    local line file name
    NAMES=()
    grep -H '^@test ".*" {$' "$REPO"/tests/*.bats "$REPO"/tests/slow/*.bats >"$BATS_TEST_TMPDIR/names" || true
    while IFS= read -r line; do
        file=${line%%:@test \"*}
        name=${line#*:@test \"}
        name=${name%\" \{}
        NAMES[${file#"$REPO"/}$'\t'$name]=1
    done <"$BATS_TEST_TMPDIR/names"
    while read -r name; do
        NAMES[tests/claims.txt$'\t'$name]=1
    done < <("$REPO/tests/matrix" names)
}

# ---------------------------------------------------------------- claims

@test "client.cpp is the same file in every chapter" {
    local dir
    for dir in "${CHAPTER_DIRS[@]:1}"; do
        cmp "$REPO/${CHAPTER_DIRS[0]}/client.cpp" "$REPO/$dir/client.cpp"
    done
}

# Each step's code diff (see code_lines: comments, blank lines, indentation
# and the opening comment block left out) is exactly its fix: the lines
# below, no more. The includes listed are those the fix needs.

@test "every server.cpp opens with a one-line title naming its chapter and what it adds, then the same comment, so that a chapter's diff is its fix alone" {
    local k dir first titles=()
    first=$(sed '1d; /^#include/,$d' "$REPO/${CHAPTER_DIRS[0]}/server.cpp")
    [ -n "$first" ] || fail "no opening comment in ${CHAPTER_DIRS[0]}/server.cpp"
    for ((k = 0; k < ${#CHAPTER_DIRS[@]}; k++)); do
        dir=${CHAPTER_DIRS[k]}
        run_program -0 head -n 1 "$REPO/$dir/server.cpp"
        assert_output --regexp "^// ${CHAPTERS[k]}: [^ ].{9,}$"
        titles+=("${output#*: }")
        assert_equal "$(sed '1d; /^#include/,$d' "$REPO/$dir/server.cpp")" "$first"
    done
    assert_equal "$(printf '%s\n' "${titles[@]}" | sort -u | wc -l)" "${#CHAPTER_DIRS[@]}"
}

@test "ch01 -> ch02 adds fork() after accept() and the child's exit, and changes no other code" {
    run_program -0 code_diff 1
    assert_output - <<'EOF'
> const pid_t pid = fork();
> if (pid < 0) {
> report_errno("fork");
> close(conn_fd);
> continue;
> }
> if (pid == 0) {
> _exit(0);
> }
> log_line("child %ld serves client %s", static_cast<long>(pid), peer.c_str());
EOF
}

@test "ch02 -> ch03 adds signal(SIGCHLD, SIG_IGN), and changes no other code" {
    run_program -0 code_diff 2
    assert_output - <<'EOF'
> #include <csignal>
> if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
> die_errno("signal SIGCHLD");
EOF
}

@test "ch03 -> ch04 replaces SIG_IGN by a sigaction handler with a waitpid(-1, &status, WNOHANG) loop, adds the EINTR retry, and changes no other code" {
    run_program -0 code_diff 3
    assert_output - <<'EOF'
> #include <sys/wait.h>
> namespace {
> void reap_children(int) {
> const int saved_errno = errno;
> int status = 0;
> pid_t pid;
> while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
> log_child_status(pid, status);
> errno = saved_errno;
> }
> }
< if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
< die_errno("signal SIGCHLD");
> struct sigaction on_child_exit{};
> on_child_exit.sa_handler = reap_children;
> sigemptyset(&on_child_exit.sa_mask);
> on_child_exit.sa_flags = 0;
> if (sigaction(SIGCHLD, &on_child_exit, nullptr) < 0)
> die_errno("sigaction SIGCHLD");
> if (conn_fd < 0 && errno == EINTR) {
> log_line("accept interrupted by a signal (EINTR), calling it again");
> continue;
> }
EOF
}

@test "ch04 -> ch05 adds close(listen_fd) in the child and close(conn_fd) in the parent, and changes no other code" {
    run_program -0 code_diff 4
    assert_output - <<'EOF'
> close(listen_fd);
> close(conn_fd);
EOF
    # The first is in the child's branch, the second after it, in the parent.
    run_program -0 sed -n '/if (pid == 0) {/,/^        }/p' "$REPO/$(chapter_dir ch05)/server.cpp"
    assert_line --regexp '^ +close\(listen_fd\);'
    refute_line --regexp '^ +close\(conn_fd\);  //'
    run_program -0 sed -n '/exit(0);$/,$p' "$REPO/$(chapter_dir ch05)/server.cpp"
    assert_line --regexp '^        close\(conn_fd\);'
}

@test "ch05 -> ch06 adds the stop: a flag set by SIGTERM and SIGINT, pselect() to wait for it, the children tracked, reset in each child, and ended and reaped at the stop, and changes no other code" {
    run_program -0 code_diff 5
    assert_output - <<'EOF'
> #include <algorithm>
> #include <cstdlib>
> #include <sys/select.h>
> #include <vector>
> std::vector<pid_t> children;
> void remember_child(pid_t pid) {
> if (pid <= 0)
> return;
> const auto free_slot = std::find(children.begin(), children.end(), 0);
> if (free_slot != children.end())
> *free_slot = pid;
> else
> children.push_back(pid);
> }
> void forget_child(pid_t pid) {
> std::replace(children.begin(), children.end(), pid, 0);
> }
< while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
> while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
> forget_child(pid);
> }
> volatile sig_atomic_t stop_requested = 0;
> void request_stop(int) {
> stop_requested = 1;
> }
> sigset_t install_stop_handlers() {
> struct sigaction on_stop{};
> on_stop.sa_handler = request_stop;
> sigemptyset(&on_stop.sa_mask);
> on_stop.sa_flags = 0;
> if (sigaction(SIGTERM, &on_stop, nullptr) < 0 || sigaction(SIGINT, &on_stop, nullptr) < 0)
> die_errno("sigaction SIGTERM, SIGINT");
> sigset_t stop_signals, while_waiting;
> sigemptyset(&stop_signals);
> sigaddset(&stop_signals, SIGTERM);
> sigaddset(&stop_signals, SIGINT);
> sigprocmask(SIG_BLOCK, &stop_signals, &while_waiting);
> return while_waiting;
> }
> void undo_stop_handlers(const sigset_t& while_waiting) {
> signal(SIGTERM, SIG_DFL);
> signal(SIGINT, SIG_DFL);
> sigprocmask(SIG_SETMASK, &while_waiting, nullptr);
> }
> bool wait_for_client_or_stop(int listen_fd, const sigset_t& while_waiting) {
> while (!stop_requested) {
> fd_set readable;
> FD_ZERO(&readable);
> FD_SET(listen_fd, &readable);
> if (pselect(listen_fd + 1, &readable, nullptr, nullptr, nullptr, &while_waiting) < 0) {
> if (errno != EINTR)
> report_errno("pselect");
> continue;
> }
> return true;
> }
> return false;
> }
> void mask_child_exits(int how) {
> sigset_t child_exits;
> sigemptyset(&child_exits);
> sigaddset(&child_exits, SIGCHLD);
> sigprocmask(how, &child_exits, nullptr);
> }
> [[noreturn]] void stop_and_exit(int listen_fd) {
> close(listen_fd);
> mask_child_exits(SIG_BLOCK);
> int serving = 0;
> for (const pid_t child : children) {
> if (child != 0) {
> kill(child, SIGTERM);
> kill(child, SIGCONT);
> ++serving;
> }
> }
> log_line("stopping: no new clients; SIGTERM to the %d children still serving", serving);
> int status = 0;
> pid_t pid;
> while ((pid = waitpid(-1, &status, 0)) > 0)
> log_child_status(pid, status);
> log_line("stopped: every child reaped");
> std::exit(0);
> }
< for (;;) {
> const sigset_t while_waiting = install_stop_handlers();
> while (wait_for_client_or_stop(listen_fd, while_waiting)) {
> mask_child_exits(SIG_BLOCK);
> remember_child(pid);
> mask_child_exits(SIG_UNBLOCK);
> undo_stop_handlers(while_waiting);
> stop_and_exit(listen_fd);
EOF
}

@test "every server.cpp's main() fits on one screen: 60 lines at most, from its first line to its closing brace" {
    local dir lines long=()
    for dir in "${CHAPTER_DIRS[@]}"; do
        lines=$(awk '/^int main\(/ { inside = 1 } inside { n++ } inside && /^}/ { print n; exit }' "$REPO/$dir/server.cpp")
        [ -n "$lines" ] || fail "$dir/server.cpp: no main() found"
        ((lines <= 60)) || long+=("$dir/server.cpp: main() is $lines lines")
    done
    ((${#long[@]} == 0)) || fail "$(printf '%s\n' "${long[@]}")"
}

@test "every line of code a chapter README quotes in a cpp block is a line of its server.cpp (whole-line comments aside)" {
    local dir readme missing
    for dir in "${CHAPTER_DIRS[@]}"; do
        for readme in "$REPO/$dir"/README*.md; do
            missing=$(awk '
                FNR == NR { line[$0] = 1; next }
                /^```cpp$/ { inside = 1; next }
                /^```/ { inside = 0; next }
                inside && $0 !~ /^[[:space:]]*(\/\/.*)?$/ && !($0 in line) { print FNR ": " $0 }
            ' "$REPO/$dir/server.cpp" "$readme")
            [ -z "$missing" ] || fail "${readme#"$REPO"/} quotes lines $dir/server.cpp does not have:"$'\n'"$missing"
        done
    done
}

@test "a chapter README that counts the lines of make diff-chNN counts them right, in both languages" {
    local dir chapter readme text line diff_lines counted=0 re
    for dir in "${CHAPTER_DIRS[@]:1}"; do
        chapter=${dir%%-*}
        diff_lines=0
        while IFS= read -r line; do
            [[ $line == [-+]* && $line != '--- '* && $line != '+++ '* ]] && diff_lines=$((diff_lines + 1))
        done < <("$REPO/scripts/chapter-diff" "$chapter")
        re=$'\n'"\`make diff-$chapter\` (prints the whole change: |打印出全部改动：增删共 )([0-9]+)"
        for readme in "$REPO/$dir"/README*.md; do
            text=$'\n'
            read -r -d '' line <"$readme" || true
            text+=$line
            [[ $text =~ $re ]] || continue
            counted=$((counted + 1))
            assert_equal "${readme#"$REPO"/}: ${BASH_REMATCH[2]} lines" "${readme#"$REPO"/}: $diff_lines lines"
        done
    done
    ((counted > 0)) || fail "no README counts the lines of its chapter's diff"
}

# unnamed_tests: sets MISSING to each test or claim a README names that does
# not exist, and to each chapter README that names none.
unnamed_tests() {
    local entry readme file name dir named
    declare -A NAMES
    MISSING=()
    test_pairs
    test_names
    for entry in "${PAIRS[@]}"; do
        IFS=$'\t' read -r readme file name <<<"$entry"
        [[ $name == \<* ]] && continue # the form itself: `tests/<file>.bats`: `<test name>`
        if [ ! -f "$REPO/$file" ]; then
            MISSING+=("$readme: $file does not exist (named with: $name)")
        elif [ -z "${NAMES[$file$'\t'$name]:-}" ]; then
            MISSING+=("$readme: no test or claim \"$name\" in $file")
        fi
    done
    for dir in "${CHAPTER_DIRS[@]}"; do
        for readme in "$REPO/$dir"/README*.md; do
            [ -f "$readme" ] || continue
            named=
            for entry in "${PAIRS[@]}"; do
                [[ $entry == "${readme#"$REPO"/}"$'\t'* ]] && named=1 && break
            done
            [ -n "$named" ] || MISSING+=("${readme#"$REPO"/} names no test (as \`tests/FILE.bats\`: \`TEST NAME\`)")
        done
    done
}

@test "every test a README names exists, and each chapter README names at least one" {
    unnamed_tests
    ((${#MISSING[@]} == 0)) || fail "$(printf '%s\n' "${MISSING[@]}")"
}

@test "make diff prints each step's server.cpp diff, ch01 -> ch02 to the last chapter, each under a header naming its fix, and exits 0" {
    make_run diff
    assert_success
    assert_line "--- $(chapter_dir ch04)/server.cpp"
    assert_line "+++ $(chapter_dir ch05)/server.cpp"
    assert_line '+    if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)'
    assert_line --regexp '^\+        close\(conn_fd\);'
    assert_nothing_left
    run_program -0 grep '^==== ' <<<"$output"
    assert_equal "${#lines[@]}" $((${#CHAPTERS[@]} - 1))
    local k
    for ((k = 1; k < ${#CHAPTERS[@]}; k++)); do
        assert_line --index $((k - 1)) "==== ${CHAPTER_DIRS[k - 1]} -> ${CHAPTER_DIRS[k]}: $(chapter_fix "${CHAPTERS[k]}") ===="
    done
}

@test "make diff-ch04 prints only the step that makes ch04, and exits 0" {
    make_run diff-ch04
    assert_success
    assert_equal "$(output_count '==== ')" 1
    assert_line "==== $(chapter_dir ch03) -> $(chapter_dir ch04): $(chapter_fix ch04) ===="
    assert_line '+    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)'
    assert_line '-    if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)'
    assert_nothing_left
}

@test "make demo-ch05 shows ch04's descriptors and CLOSE-WAIT sockets growing and ch05's not, and leaves no process or listening socket behind" {
    run_demo ch05
    local ch04 ch05
    ch04=$(sed -n '/^# ---- ch04 ----$/,/^# ---- ch05 ----$/p' <<<"$output")
    ch05=$(sed -n '/^# ---- ch05 ----$/,$p' <<<"$output")
    # ls -l /proc/PID/fd before and after three clients: ch04's parent keeps
    # one socket per client (1 then 4), ch05's only the listening one.
    assert_equal "$(grep -c -- '-> socket:' <<<"$ch04")" 5
    assert_equal "$(grep -c -- '-> socket:' <<<"$ch05")" 2
    assert_equal "$(grep -c '^CLOSE-WAIT ' <<<"$ch04")" 3
    assert_equal "$(grep -c 'CLOSE-WAIT' <<<"$ch05")" 0
}

# table_folders README: the folders the first column of README's folders
# table names (written `name/`), one a line, sorted.
table_folders() {
    # shellcheck disable=SC2016 # backquotes are Markdown's here
    sed -n '/^<!-- folders table: /,/^<!-- end of folders table -->$/p' "$1" |
        awk -F'|' '/^\| / { print $2 }' | grep -oE '`[^`/]+/`' | tr -d '`/' | sort
}

@test "the folders tables of README.md and README.zh-CN.md name every top-level folder, each once, and none that is not there" {
    local readme expected named
    # The folders on disk (after make: build/ and the programs' chNN/ too),
    # and those .gitignore names that may not be there yet (exercises/).
    expected=$({
        find "$REPO" -mindepth 1 -maxdepth 1 -type d ! -name .git -printf '%f\n'
        sed -n 's|^/\([^][*?/]*\)/$|\1|p' "$REPO/.gitignore"
    } | sort -u)
    [ -n "$expected" ] || fail "no folder found in $REPO"
    for readme in README.md README.zh-CN.md; do
        named=$(table_folders "$REPO/$readme")
        [ -n "$named" ] || fail "$readme: no folders table (<!-- folders table: ... -->)"
        [ -z "$(uniq -d <<<"$named")" ] || fail "$readme: folders named twice: $(uniq -d <<<"$named" | tr '\n' ' ')"
        run_program comm -3 <(echo "$expected") <(sort -u <<<"$named")
        [ -z "$output" ] || fail "$readme: folders without a row (left) and rows without a folder (right):"$'\n'"$output"
    done
}

@test "the claims tables in README.md and README.zh-CN.md are the ones tests/matrix prints from tests/claims.txt" {
    local readme lang
    for readme in README.md README.zh-CN.md; do
        lang=
        [ "$readme" = README.zh-CN.md ] && lang=zh
        run_program -0 "$REPO/tests/matrix" table $lang
        local expected=$output
        run_program -0 sed -n '/^<!-- claims table: /,/^<!-- end of claims table -->$/p' "$REPO/$readme"
        assert_equal "$(sed '1d;$d' <<<"$output")" "$expected"
    done
}

@test "the bench tables in README.md and README.zh-CN.md are the ones bench/readme.awk prints from bench/RESULTS.md, a run on a quiet machine" {
    local readme lang
    run_program -0 grep -E '^machine: load average [0-9.]+, CPU [0-9]+% busy in the second before the start: quiet$' "$REPO/bench/RESULTS.md"
    for readme in README.md README.zh-CN.md; do
        lang=
        [ "$readme" = README.zh-CN.md ] && lang=zh
        run_program -0 awk -f "$REPO/bench/readme.awk" -v lang="$lang" "$REPO/bench/RESULTS.md"
        local expected=$output
        run_program -0 sed -n '/^<!-- bench table: /,/^<!-- end of bench table -->$/p' "$REPO/$readme"
        assert_equal "$(sed '1d;$d' <<<"$output")" "$expected"
    done
}

# RESULTS_TEXT: bench/RESULTS.md, a newline before its first line, read by
# the shell once per test: the lookups below run it through no sed or awk.
RESULTS_TEXT=
read -r -d '' RESULTS_TEXT <"$REPO/bench/RESULTS.md" || true
RESULTS_TEXT=$'\n'$RESULTS_TEXT

# ratio_of NAME: the figure of RESULTS.md's line "ratio: NAME: FIGURE".
ratio_of() {
    local rest=${RESULTS_TEXT#*$'\n'"ratio: $1: "}
    [ "$rest" = "$RESULTS_TEXT" ] || echo "${rest%%$'\n'*}"
}

# row_field TEXT FIRST SECOND FIELD: field FIELD (counted from 1, as awk
# does) of the line of TEXT whose first two fields are FIRST and SECOND.
row_field() {
    local re=$'\n'" *$2 +$3 +([^"$'\n'"]*)" fields=()
    [[ $1 =~ $re ]] || return 0
    read -r -a fields <<<"$2 $3 ${BASH_REMATCH[1]}"
    echo "${fields[$4 - 1]}"
}

# load_figure LOAD SERVER FIELD: a figure of RESULTS.md's load table, by
# field: 3 conns/s, 5 p50 ms, 6 p99 ms, 7 CPU us per connection, 9 faults.
load_figure() {
    row_field "$RESULTS_TEXT" "$1" "$2" "$3"
}

# crossover THINK FIELD: the crossover table's row for THINK ms, by field:
# 2 ch01's conns/s, 3 ch05's, 4 ch05 / ch01.
crossover() {
    local re=$'\n'" *$1 +([^"$'\n'"]*)" fields=()
    [[ ${RESULTS_TEXT#*$'\n'crossover:} =~ $re ]] || return 0
    read -r -a fields <<<"$1 ${BASH_REMATCH[1]}"
    echo "${fields[$2 - 1]}"
}

# memory_figure SERVER CLIENTS FIELD: a figure of RESULTS.md's memory table,
# by field: 3 processes, 4 the whole server's RSS KiB.
memory_figure() {
    row_field "$RESULTS_TEXT" "$1" "$2" "$3"
}

# mappings SERVER: the number of mappings of SERVER, from RESULTS.md.
mappings() {
    local re="servers' own mappings:[^"$'\n'"]*[:,] $1 ([0-9]+)"
    [[ $RESULTS_TEXT =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# prose FILE: FILE without its code blocks, its lines joined by spaces, as a
# reader reads it: a figure wrapped over two lines is still found.
prose() {
    awk '/^ *```/ { code = !code; next } !code { sub(/^[ \t]+/, ""); printf "%s ", $0 }' "$1"
}

@test "bench/README.md's tables of fork floors and of ch05's links quote bench/RESULTS.md" {
    local readme=$REPO/bench/README.md link maps server bold faults
    grep -qF "| 24 | 1 ($(sed -n 's/^c-shared .* \([0-9]*\) ([0-9]*-[0-9]*).*/\1/p' "$REPO/bench/RESULTS.md") us) |" "$readme" ||
        fail "no fork-floor row for c-shared with RESULTS.md's CPU per fork"
    for link in cxx-shared:40 cxx-libc:24 static-pie:12; do
        maps=${link#*:} link=${link%:*}
        grep -qF "| $maps | $(ratio_of "fork floor, $link / c-shared") |" "$readme" ||
            fail "no fork-floor row for $link: | $maps | $(ratio_of "fork floor, $link / c-shared") |"
    done
    for server in ch05-dyn ch05-libc ch05 minimal-pie; do
        bold=
        [ "$server" = ch05 ] && bold='**'
        faults=$(load_figure short "$server" 9)
        grep -qF "| $bold$(ratio_of "conns/s, short, $server / minimal")$bold | $bold$(ratio_of "cpu per conn, short, $server / minimal")$bold | $faults |" "$readme" ||
            fail "no row for $server with RESULTS.md's conns/s and CPU ratios and its $faults faults"
    done
    grep -qF "| 1 | 1 | $(load_figure short minimal 9) |" "$readme" || fail "no row for minimal with its faults"
}

# unrecorded_figures TEXT [FIGURE...]: sets UNRECORDED to each figure of
# TEXT, with a unit or a decimal point, that is neither a number of
# RESULTS.md (its figures, and the settings of the bench it records: 16
# clients, 50 ms) nor a FIGURE. In the shell: a grep per figure cost a
# process each.
unrecorded_figures() {
    local rest=$RESULTS_TEXT figure re='[0-9][0-9.]*'
    local -A known=()
    for figure in "${@:2}"; do known[$figure]=1; done
    while [[ $rest =~ $re ]]; do
        known[${BASH_REMATCH[0]}]=1
        rest=${rest#*"${BASH_REMATCH[0]}"}
    done
    UNRECORDED=()
    rest=${1//127.0.0.1/}
    re='[0-9]+\.[0-9]+|[0-9]+ ?(s|ms|us|KiB|MiB|%|times|faults|秒|毫秒|倍|个)'
    while [[ $rest =~ $re ]]; do
        rest=${rest#*"${BASH_REMATCH[0]}"}
        figure=${BASH_REMATCH[0]%%[!0-9.]*}
        [ -n "${known[$figure]:-}" ] || UNRECORDED+=("$figure")
        known[$figure]=1
    done
}

@test "the top READMEs' bench sections quote bench/RESULTS.md, figure by figure" {
    local readme text fragment
    for readme in README.md README.zh-CN.md; do
        text=$(prose "$REPO/$readme")
        text=${text#*"make bench\`"}
        text=${text%%"<!-- bench table"*}
        unrecorded_figures "$text"
        ((${#UNRECORDED[@]} == 0)) || fail "$readme, bench section: figures bench/RESULTS.md does not have: ${UNRECORDED[*]}"
        for fragment in "$(ratio_of "conns/s, short, ch01 / ch05")" "$(ratio_of "conns/s, slow, ch05 / ch01")" \
            "$(ratio_of "memory per client at 100, ch05, RSS KiB") KiB" "$(ratio_of "memory per client at 100, ch05, USS KiB") KiB" \
            " $(mappings ch05)" " $(mappings ch05-dyn)"; do
            [[ $text == *"$fragment"* ]] || fail "$readme, bench section: no $fragment, RESULTS.md's figure"
        done
    done
    # Said in words: ch01's CPU per connection under a quarter of ch05's; ch05
    # ahead from a tenth of a millisecond.
    awk -v a="$(load_figure short ch01 7)" -v b="$(load_figure short ch05 7)" -v t="$(ratio_of "crossover think time, ms")" \
        'BEGIN { exit !(4 * a < b && t < 0.1) }' || fail "the top READMEs' words on CPU and the crossover no longer hold"
}

# bench_prose: sets UNRECORDED to the figures of bench/README.md's prose that
# bench/RESULTS.md does not have, MISSING to the sentences that do not quote
# it as RESULTS.md has it, and USS, KERNEL and RSS to ch05's memory per
# client at 100 clients (KiB).
bench_prose() {
    local text fragment sum
    MISSING=()
    text=$(prose "$REPO/bench/README.md")
    USS=$(ratio_of "memory per client at 100, ch05, USS KiB")
    KERNEL=$(ratio_of "memory per client at 100, ch05, kernel KiB")
    RSS=$(ratio_of "memory per client at 100, ch05, RSS KiB")
    sum=$(awk -v u="$USS" -v k="$KERNEL" 'BEGIN { printf "%.1f", u + k }')
    unrecorded_figures "$text" "$sum"
    # And each says what RESULTS.md says of it.
    for fragment in \
        "ch01 served $(ratio_of "conns/s, short, ch01 / ch05") times as many connections a second as ch05" \
        "($(load_figure short ch01 3) against $(load_figure short ch05 3); $(crossover 0 2) against $(crossover 0 3) in the crossover's one run at 0 ms)" \
        "at $(load_figure short ch01 7) us of CPU time per connection against ch05's $(load_figure short ch05 7) us" \
        "ch01's p99 of $(load_figure short ch01 6) ms, against ch05's $(load_figure short ch05 6) ms" \
        "ch01 serves one client at a time: $(load_figure slow ch01 3) connections a second" \
        "(p50 $(load_figure slow ch01 5) ms)" \
        "$(ratio_of "conns/s, slow, ch05 / ch01") times as many connections, p50 $(load_figure slow ch05 5) ms" \
        "at a think time of about $(ratio_of "crossover think time, ms") ms" \
        "$(crossover 0.2 4) times at 0.2 ms, $(crossover 1 4) times at 1 ms, $(crossover 5 4) times at 5 ms, $(crossover 50 4) times at 50 ms" \
        "only the kernel's sockets ($(ratio_of "memory per client at 100, ch01, kernel KiB") KiB" \
        "ch05 has $(memory_figure ch05 100 3) processes" \
        "an RSS of $RSS KiB: $(memory_figure ch05 100 4) KiB for the whole server" \
        "(USS) were $USS KiB" \
        "PSS grew by $(ratio_of "memory per client at 100, ch05, PSS growth KiB") KiB per client" \
        "$(ratio_of "memory per client at 100, ch05, page tables KiB") KiB of page tables, and $KERNEL KiB per client in all" \
        "($sum KiB here: $USS KiB of its own pages, $KERNEL KiB in the kernel)" \
        "against $(ratio_of "memory per client at 100, ch01, kernel KiB") KiB for an iterative server" \
        "that is a third of the $RSS KiB \`ps\` suggests" \
        "a larger RSS ($(ratio_of "memory per client at 100, minimal, RSS KiB") KiB" \
        "($(ratio_of "memory per client at 100, minimal, USS KiB") KiB USS, $(ratio_of "memory per client at 100, minimal, page tables KiB") KiB of page tables)" \
        "$(mappings ch05-dyn) mappings for ch05 as \`g++\` links it, $(mappings ch05-libc) with only libc shared, $(mappings ch05) as a static PIE" \
        "($(ratio_of "conns/s, slow, ch05 / minimal") times the connections, $(ratio_of "cpu per conn, slow, ch05 / minimal") times the CPU)"; do
        [[ $text == *"$fragment"* ]] || MISSING+=("$fragment")
    done
}

@test "every figure in the prose of bench/README.md is one of bench/RESULTS.md, and says what RESULTS.md says" {
    bench_prose
    ((${#UNRECORDED[@]} == 0)) || fail "figures bench/RESULTS.md does not have: ${UNRECORDED[*]}"
    ((${#MISSING[@]} == 0)) || fail "$(printf 'not in bench/README.md as RESULTS.md has it: %s\n' "${MISSING[@]}")"
    # The words that go with the figures.
    awk -v s="$USS" -v k="$KERNEL" -v r="$RSS" 'BEGIN { x = (s + k) / r; exit !(x > 0.3 && x < 0.37) }' ||
        fail "bench/README.md says a child costs a third of what ps suggests: RESULTS.md has ($USS + $KERNEL) / $RSS"
    [ "$(ratio_of "conns/s, slow, ch05 / minimal")" = 1.00 ] ||
        fail "bench/README.md says ch05 serves as many connections as the minimal server under the slow load"
    awk -v c="$(ratio_of "cpu per conn, slow, ch05 / minimal")" -v d="$(ratio_of "cpu per conn, short, ch05 / minimal")" \
        -v e="$(ratio_of "conns/s, short, ch05 / minimal")" 'BEGIN { exit !(c < 1 && d < 1 && e > 1) }' ||
        fail "bench/README.md says ch05 serves more at less CPU than the minimal server"
}

@test "the Chinese READMEs link a chapter's Chinese README, never its folder or its English one" {
    local found
    found=$(cd "$REPO" && grep -noE '\]\((\.\./)?ch[0-9]+-[a-z-]+/?(README\.md)?(#[^)]*)?\)' README.zh-CN.md ./*/README.zh-CN.md || true)
    [ -z "$found" ] || fail "links that open the English page: $found"
}

# The Chinese words the glossary of README.zh-CN.md does not use, each with
# the one it uses: "OTHER PREFERRED". 断言 is an assertion (断言库 stays);
# 学习笔记 only in the two tutorials' full names.
CHINESE_WORDS=(
    "断言 论断" "回显 回声" "修复 修正" "报文 消息" "处理方式 处置方式" "挂起 未决"
    "待处理 未决" "叫醒 唤醒" "收尸 回收" "僵死 僵尸" "信号处理程序 信号处理函数"
    "学习笔记 课程笔记或TCP/IP笔记"
)

@test "the Chinese files use the glossary's word for each thing: the others only in quotations, code and the glossary" {
    local files found=()
    files=$(cd "$REPO" && find . \( -path ./.git -o -path ./build -o -path ./exercises \) -prune -o -name '*.zh-CN.md' -print | sort)
    files+=" tests/claims.txt $(cd "$REPO" && echo scripts/* tests/claims/*.bash) tests/matrix bench/readme.awk"
    # What is exempt is taken out: code blocks, `code`, “quotations” and
    # 「quotations」, the glossary's rows, 断言库, and the two full names.
    # shellcheck disable=SC2086
    (cd "$REPO" && awk '
        FNR == 1 { fence = 0; glossary = 0 }
        /^ *```/ { fence = !fence; next }
        fence { next }
        FILENAME == "./README.zh-CN.md" && /^## 术语表/ { glossary = 1 }
        glossary && /^\|/ { next }
        {
            line = $0
            gsub(/`[^`]*`/, "", line)
            gsub(/“[^”]*”/, "", line)
            gsub(/「[^」]*」/, "", line)
            gsub(/断言库|同一课程的学习笔记|10\.4 节的学习笔记/, "", line)
            print FILENAME ":" FNR ": " line
        }' $files) >"$BATS_TEST_TMPDIR/chinese"
    # One awk for every pair (a grep per pair cost a process each).
    mapfile -t found < <(awk -v pairs="${CHINESE_WORDS[*]/ /=}" '
        BEGIN { n = split(pairs, p, " "); for (i = 1; i <= n; i++) { split(p[i], w, "="); other[i] = w[1]; preferred[i] = w[2] } }
        { for (i = 1; i <= n; i++) if (index($0, other[i])) print substr($0, 1, 160) " (say " preferred[i] ")" }
        ' "$BATS_TEST_TMPDIR/chinese")
    ((${#found[@]} == 0)) || fail "$(printf '%s\n' "${found[@]}")"
    # And the glossary names both words of each pair it explains (all but
    # the last pair, the tutorials' names).
    mapfile -t found < <(awk -v pairs="${CHINESE_WORDS[*]::${#CHINESE_WORDS[@]}-1}" '
        BEGIN { n = split(pairs, w, " ") }
        /^## 术语表/ { glossary = 1 }
        glossary { for (i = 1; i < n; i += 2) if (index($0, w[i]) && index($0, w[i + 1])) both[i] = 1 }
        END { for (i = 1; i < n; i += 2) if (!(i in both)) print w[i + 1] " and " w[i] }
        ' "$REPO/README.zh-CN.md")
    ((${#found[@]} == 0)) || fail "the glossary of README.zh-CN.md has no row with both $(printf '%s; ' "${found[@]}")"
}

@test "every chapter README, in both languages, links the glossary, has the book's code run, and no Markdown file names a seed, build/tests, /tmp/x or ../shared" {
    local readme found
    for dir in "${CHAPTER_DIRS[@]}"; do
        for readme in "$REPO/$dir/README.md" "$REPO/$dir/README.zh-CN.md"; do
            grep -qE 'README\.md#glossary|README\.zh-CN\.md#术语表' "$readme" || fail "${readme#"$REPO"/}: no link to the glossary"
            grep -qE "^### (The book's code, run|书中的代码，跑一跑)" "$readme" || fail "${readme#"$REPO"/}: no box on the book's code"
        done
    done
    found=$(cd "$REPO" && grep -rliE 'seed|种子|build/tests/|/tmp/x|\.\./shared' --include='*.md' --exclude-dir=build --exclude-dir=exercises . || true)
    [ -z "$found" ] || fail "Markdown naming what a reader does not have: $found"
}

@test "no Markdown file speaks in the first person: no I, we, our or my, 我们 or 我的, outside code and quotations" {
    local found
    # shellcheck disable=SC2046 # the file names, word by word
    found=$(cd "$REPO" && awk 'FNR == 1 { code = 0 } /^ *```/ { code = !code; next }
        !code { gsub(/`[^`]*`/, ""); print FILENAME ":" FNR ": " $0 }' $(git ls-files '*.md') |
        grep -E '\b(I|[Ww]e|[Oo]ur|[Mm]y)\b|我们|我的' | grep -vE 'I/O|“我的”|我的 tab|参考 and 我的|"[^"]*\b(I|we|my|our)\b[^"]*"' || true)
    [ -z "$found" ] || fail "first person in: $found"
}
