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
#   is the same in every chapter;
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
# (One grep: under Bats every shell command of a test is traced, so a loop
# over each file's lines per README entry costs seconds.)
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

@test "every server.cpp opens with the same comment, so that a chapter's diff is its fix alone" {
    local dir first
    first=$(sed '/^#include/,$d' "$REPO/${CHAPTER_DIRS[0]}/server.cpp")
    [ -n "$first" ] || fail "no opening comment in ${CHAPTER_DIRS[0]}/server.cpp"
    for dir in "${CHAPTER_DIRS[@]}"; do
        assert_equal "$(sed '/^#include/,$d' "$REPO/$dir/server.cpp")" "$first"
    done
}

@test "ch01 -> ch02 adds fork() after accept() and the child's exit, and changes no other code" {
    run -0 code_diff 1
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
    run -0 code_diff 2
    assert_output - <<'EOF'
> #include <csignal>
> if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
> die_errno("signal SIGCHLD");
EOF
}

@test "ch03 -> ch04 replaces SIG_IGN by a sigaction handler with a waitpid(-1, &status, WNOHANG) loop, adds the EINTR retry, and changes no other code" {
    run -0 code_diff 3
    assert_output - <<'EOF'
> #include <cerrno>
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
    run -0 code_diff 4
    assert_output - <<'EOF'
> close(listen_fd);
> close(conn_fd);
EOF
    # The first is in the child's branch, the second after it, in the parent.
    run -0 sed -n '/if (pid == 0) {/,/^        }/p' "$REPO/$(chapter_dir ch05)/server.cpp"
    assert_line --regexp '^ +close\(listen_fd\);'
    refute_line --regexp '^ +close\(conn_fd\);  //'
    run -0 sed -n '/exit(0);$/,$p' "$REPO/$(chapter_dir ch05)/server.cpp"
    assert_line --regexp '^        close\(conn_fd\);'
}

@test "ch05 -> ch06 adds the stop: a flag set by SIGTERM and SIGINT, pselect() to wait for it, the children tracked, reset in each child, and ended and reaped at the stop, and changes no other code" {
    run -0 code_diff 5
    assert_output - <<'EOF'
> #include <algorithm>
> #include <sys/select.h>
> #include <vector>
> std::vector<pid_t> children;
> void remember_child(pid_t pid) {
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
< for (;;) {
> struct sigaction on_stop{};
> on_stop.sa_handler = request_stop;
> sigemptyset(&on_stop.sa_mask);
> on_stop.sa_flags = 0;
> if (sigaction(SIGTERM, &on_stop, nullptr) < 0 || sigaction(SIGINT, &on_stop, nullptr) < 0)
> die_errno("sigaction SIGTERM, SIGINT");
> sigset_t stop_signals, child_exits, while_waiting;
> sigemptyset(&stop_signals);
> sigaddset(&stop_signals, SIGTERM);
> sigaddset(&stop_signals, SIGINT);
> sigemptyset(&child_exits);
> sigaddset(&child_exits, SIGCHLD);
> sigprocmask(SIG_BLOCK, &stop_signals, &while_waiting);
> while (!stop_requested) {
> fd_set readable;
> FD_ZERO(&readable);
> FD_SET(listen_fd, &readable);
> if (pselect(listen_fd + 1, &readable, nullptr, nullptr, nullptr, &while_waiting) < 0) {
> if (errno != EINTR)
> report_errno("pselect");
> continue;
> }
> sigprocmask(SIG_BLOCK, &child_exits, nullptr);
> sigprocmask(SIG_UNBLOCK, &child_exits, nullptr);
> signal(SIGTERM, SIG_DFL);
> signal(SIGINT, SIG_DFL);
> sigprocmask(SIG_SETMASK, &while_waiting, nullptr);
> remember_child(pid);
> sigprocmask(SIG_UNBLOCK, &child_exits, nullptr);
> close(listen_fd);
> sigprocmask(SIG_BLOCK, &child_exits, nullptr);
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
> return 0;
EOF
}

@test "every test a README names exists, and each chapter README names at least one" {
    local entry readme file name missing=() dir named
    declare -A NAMES
    test_pairs
    test_names
    for entry in "${PAIRS[@]}"; do
        IFS=$'\t' read -r readme file name <<<"$entry"
        [[ $name == \<* ]] && continue # the form itself: `tests/<file>.bats`: `<test name>`
        if [ ! -f "$REPO/$file" ]; then
            missing+=("$readme: $file does not exist (named with: $name)")
        elif [ -z "${NAMES[$file$'\t'$name]:-}" ]; then
            missing+=("$readme: no test or claim \"$name\" in $file")
        fi
    done
    ((${#missing[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}")"
    for dir in "${CHAPTER_DIRS[@]}"; do
        for readme in "$REPO/$dir"/README*.md; do
            [ -f "$readme" ] || continue
            named=
            for entry in "${PAIRS[@]}"; do
                [[ $entry == "${readme#"$REPO"/}"$'\t'* ]] && named=1 && break
            done
            [ -n "$named" ] || fail "${readme#"$REPO"/} names no test (as \`tests/FILE.bats\`: \`TEST NAME\`)"
        done
    done
}

@test "make diff prints each step's server.cpp diff, ch01 -> ch02 to the last chapter, each under a header naming its fix, and exits 0" {
    make_run diff
    assert_success
    assert_line "--- $(chapter_dir ch04)/server.cpp"
    assert_line "+++ $(chapter_dir ch05)/server.cpp"
    assert_line '+    if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)'
    assert_line --regexp '^\+        close\(conn_fd\);'
    assert_nothing_left
    run -0 grep '^==== ' <<<"$output"
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

@test "the claims tables in README.md and README.zh-CN.md are the ones tests/matrix prints from tests/claims.txt" {
    local readme lang
    for readme in README.md README.zh-CN.md; do
        lang=
        [ "$readme" = README.zh-CN.md ] && lang=zh
        run -0 "$REPO/tests/matrix" table $lang
        local expected=$output
        run -0 sed -n '/^<!-- claims table: /,/^<!-- end of claims table -->$/p' "$REPO/$readme"
        assert_equal "$(sed '1d;$d' <<<"$output")" "$expected"
    done
}

@test "the bench tables in README.md and README.zh-CN.md are the ones bench/readme.awk prints from bench/RESULTS.md, a run on a quiet machine" {
    local readme lang
    run -0 grep -E '^machine: load average [0-9.]+, CPU [0-9]+% busy in the second before the start: quiet$' "$REPO/bench/RESULTS.md"
    for readme in README.md README.zh-CN.md; do
        lang=
        [ "$readme" = README.zh-CN.md ] && lang=zh
        run -0 awk -f "$REPO/bench/readme.awk" -v lang="$lang" "$REPO/bench/RESULTS.md"
        local expected=$output
        run -0 sed -n '/^<!-- bench table: /,/^<!-- end of bench table -->$/p' "$REPO/$readme"
        assert_equal "$(sed '1d;$d' <<<"$output")" "$expected"
    done
}

# ratio_of LABEL: the value of "ratio: LABEL: VALUE" in bench/RESULTS.md.
ratio_of() {
    sed -n "s|^ratio: $1: ||p" "$REPO/bench/RESULTS.md"
}

@test "bench/README.md's tables of fork floors and of ch05's links quote bench/RESULTS.md" {
    local readme=$REPO/bench/README.md link maps server bold
    for link in cxx-shared:40 cxx-libc:24 static-pie:12; do
        maps=${link#*:} link=${link%:*}
        grep -qF "| $maps | $(ratio_of "fork floor, $link / c-shared") |" "$readme" ||
            fail "no fork-floor row for $link: | $maps | $(ratio_of "fork floor, $link / c-shared") |"
    done
    for server in ch05-dyn ch05-libc ch05 minimal-pie; do
        bold=
        [ "$server" = ch05 ] && bold='**'
        grep -qF "| $bold$(ratio_of "conns/s, short, $server / minimal")$bold | $bold$(ratio_of "cpu per conn, short, $server / minimal")$bold |" "$readme" ||
            fail "no row for $server with RESULTS.md's conns/s and CPU ratios"
    done
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
