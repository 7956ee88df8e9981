#!/usr/bin/env bats
# build/tools/lanes, which draws make trace-chNN's process lanes, checked on
# a trace written by hand (tests/slow/trace.bats runs the chapters under
# strace); and the chapter READMEs' Mermaid pictures, each generated or said
# to be drawn by hand.

load helpers

# count_diagrams: sets DIAGRAMS to how many Mermaid diagrams the chapter
# READMEs hold, in both languages, and fails at the first that says neither
# how it was made nor that it is drawn by hand: the six lines of text before
# it, the diagrams right before it aside (one line may speak for two
# pictures side by side). A function, not the test's body: Bats' DEBUG trap
# would run before each of its some 20,000 commands (tests/helpers.bash).
count_diagrams() {
    local readme before line inside
    DIAGRAMS=0
    for readme in "$REPO"/ch0*/README{,.zh-CN}.md; do
        before=() inside=0
        while IFS= read -r line; do
            if [ "$line" = '```mermaid' ]; then
                DIAGRAMS=$((DIAGRAMS + 1)) inside=1
                [[ ${before[*]} =~ make\ trace-ch0[0-9]\ MERMAID=1|[Dd]rawn\ by\ hand|手画 ]] ||
                    fail "${readme#"$REPO"/}: a Mermaid diagram says neither how it was made nor that it is drawn by hand"
            elif ((inside)); then
                [ "$line" != '```' ] || inside=0
            elif [ -n "$line" ]; then
                before+=("$line")
                ((${#before[@]} <= 6)) || before=("${before[@]:1}")
            fi
        done <"$readme"
    done
}

@test "every Mermaid diagram of a chapter README, in both languages, is either generated under the command that makes it again or said to be drawn by hand" {
    count_diagrams
    [ "$DIAGRAMS" -eq 20 ]
}

@test "lanes fits 80 columns with more than six children: the seventh on share the last column, their rows numbered; a restarted accept() says SA_RESTART" {
    local trace=$BATS_TEST_TMPDIR/trace k
    {
        echo '100 1.000000 rt_sigaction(SIGCHLD, {sa_handler=0x55f0, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f}, NULL, 8) = 0'
        for k in 1 2 3 4 5 6 7 8; do
            echo "100 1.00${k}000 accept(3, {sa_family=AF_INET, sin_port=htons(5000$k), sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = 4"
            echo "100 1.00${k}500 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x5) = 2000$k"
        done
        echo '100 1.100000 accept(3,  <unfinished ...>'
        echo '20008 1.200000 read(4, "", 4096)        = 0'
        echo '20008 1.200100 +++ exited with 0 +++'
        echo '100 1.300000 <... accept resumed>0x7ffc, [16]) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)'
        echo '100 1.300100 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=20008, si_uid=0, si_status=0} ---'
        echo '100 1.400100 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = 20008'
        echo '100 1.400200 rt_sigreturn({mask=[]})  = 43'
    } >"$trace"
    run "$REPO/build/tools/lanes" "$trace"
    assert_success
    assert_line '  time   P  1  2  3  4  5 6+'
    assert_line ' 0.000   *                    P sigaction(SIGCHLD): a handler, SA_RESTART'
    assert_line ' 0.200   |  |  |  |  |  |  *  8 read() = 0: the client left'
    assert_line ' 0.300   *  |  |  |  |  |  z  P SIGCHLD (child 8 exited)'
    assert_line ' 0.400   *  |  |  |  |  |  x  P waitpid() = 20008: child 8, a zombie 200.0 ms'
    assert_line ' 0.400   *  |  |  |  |  |  |  P accept() restarted (SA_RESTART)'
    local line
    for line in "${lines[@]}"; do ((${#line} <= 80)) || fail "wider than 80 columns: $line"; done
}
