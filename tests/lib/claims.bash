# Running claims (tests/claims.txt): the claims' shared steps, and
# expect_claim, which runs one claim against one server and compares what
# it shows with what the table expects.

# shellcheck source=peers.bash
source "${BASH_SOURCE[0]%/*}/peers.bash"
# shellcheck source=held.bash
source "${BASH_SOURCE[0]%/*}/held.bash"
for claims_file in "${BASH_SOURCE[0]%/*}"/../claims/*.bash; do
    # shellcheck source=/dev/null
    source "$claims_file"
done
unset claims_file

OBSERVED='' OBSERVED_ZH=''

# expect_claim EXPECTED NAME SERVER: runs claim NAME against SERVER (a
# program, or a command line: start_server). Passes when the claim holds
# and EXPECTED is "holds", or it fails and EXPECTED is "fails"; otherwise
# fails with what was observed. A claim whose experiment could not run
# (status 2 or more) always fails. With CLAIM_RESULTS set, appends to that
# file a line "NAME<TAB>VERDICT<TAB>OBSERVED<TAB>OBSERVED-ZH": VERDICT holds,
# fails, broken (the experiment could not run) or n/a (not_applicable),
# OBSERVED what the experiment saw, in English and in Chinese, each on one
# line (make check-chNN grades from these: tests/run --exercise).
expect_claim() {
    local expected=$1 name=$2 server=$3 status=0 verdict observed observed_zh
    OBSERVED='' OBSERVED_ZH='' WAITED_FOR='' SERVER_FAILURE='' CLIENT_FAILED=''
    claim_started "$name"
    "claim_${name//-/_}" "$server" || status=$?
    case $status in
    0) verdict=holds observed=$OBSERVED observed_zh=$OBSERVED_ZH ;;
    1) verdict=fails observed=${OBSERVED:-no observation} observed_zh=${OBSERVED_ZH:-没有观察到什么} ;;
    *)
        # When the experiment says nothing: why its server did not start,
        # or what it waited for in vain.
        if [ -z "$OBSERVED" ] && [ -n "$SERVER_FAILURE" ]; then
            observe_start_failure
        elif [ -z "$OBSERVED" ] && [ -n "$CLIENT_FAILED" ]; then
            observe "a client failed: %s" "一个客户端失败了：%s" "$CLIENT_FAILED"
        elif [ -z "$OBSERVED" ] && [ -n "$WAITED_FOR" ]; then
            observe "gave up after %s s waiting for: %s" "等了 %s 秒仍没有等到：%s" "${WAITED_FOR%% *}" "${WAITED_FOR#* }"
        fi
        verdict=broken observed=${OBSERVED:-status $status} observed_zh=${OBSERVED_ZH:-状态 $status}
        ;;
    esac
    record_claim "$name" "$verdict" "$observed" "$observed_zh"
    case $expected:$verdict in
    holds:holds | fails:fails) return 0 ;;
    holds:fails) fail "$name does not hold: $observed" ;;
    fails:holds) fail "$name holds, but this server should show the problem it is about" ;;
    *) fail "$name: the experiment could not run: $observed" ;;
    esac
}

# not_applicable NAME: claim NAME reads a line of the repository's log,
# which a foreign server does not print (CLAIM_NEEDS in
# lib/claims-table.bash): recorded as n/a, and the test skipped.
not_applicable() {
    claim_started "$1"
    record_claim "$1" n/a '' ''
    skip "n/a: needs the repository's log line"
}

# claim_started NAME: with CLAIMS_STARTED set (tests/run --exercise), notes
# there that claim NAME has started, and the run with it.
claim_started() {
    [ -z "${CLAIMS_STARTED:-}" ] || echo "$1" >>"$CLAIMS_STARTED"
}

# record_claim NAME VERDICT OBSERVED OBSERVED-ZH: with CLAIM_RESULTS set,
# the line expect_claim says.
record_claim() {
    [ -z "${CLAIM_RESULTS:-}" ] ||
        printf '%s\t%s\t%s\t%s\n' "$1" "$2" "${3//[$'\t\n']/ }" "${4//[$'\t\n']/ }" >>"$CLAIM_RESULTS"
}

# observe EN ZH [VALUE...]: what the experiment saw, for the failure
# message or hint, in English and in Chinese: EN and ZH are printf formats
# that each take the VALUEs.
observe() {
    local en zh
    # shellcheck disable=SC2059
    printf -v en "$1" "${@:3}"
    # shellcheck disable=SC2059
    printf -v zh "$2" "${@:3}"
    OBSERVED+=${OBSERVED:+; }$en
    OBSERVED_ZH+=${OBSERVED_ZH:+；}$zh
}

# trace_server TRACER OPTIONS...: the next serve runs the server under
# TRACER (strace, gdb) with those options, and with LeakSanitizer off: it
# cannot work under ptrace, and says so in a report of its own. (In a build
# without sanitizers the setting does nothing.)
trace_server() {
    SERVER_PREFIX=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@")
}

# serve SERVER [PORT]: start_server. With TRACE_PREFIX set (scripts/trace
# --claim), the first server a claim starts runs under it, unless the claim
# traces the server itself.
serve() {
    if [ -n "${TRACE_PREFIX+set}" ] && [ ${#SERVER_PREFIX[@]} -eq 0 ]; then
        SERVER_PREFIX=("${TRACE_PREFIX[@]}")
        unset TRACE_PREFIX
    fi
    start_server "$@"
}

# observe_start_failure: observes why start_server failed (SERVER_FAILURE).
observe_start_failure() {
    local words=()
    read -r -a words <<<"$SERVER_FAILURE"
    case ${words[0]} in
    exited) observe "it exited before it was seen to listen%s" "还没看到它监听，它就退出了%s" "$(head -n 1 "$ERR" | sed 's/^./: &/')" ;;
    silent) observe "it never listened on the port it was given (%s) in %s s" "它一直没有在给它的端口（%s）上监听，等了 %s 秒" "${words[1]}" "${words[2]}" ;;
    elsewhere) observe "it never listened on the port it was given (%s), but on %s" "它一直没有在给它的端口（%s）上监听，而是在 %s 上" "${words[1]}" "${words[2]}" ;;
    esac
}

# serving_process: the process serving the one client connected now: the
# server's child that is not a zombie, or the server itself if it has none.
serving_process() {
    local child
    for child in $(child_pids "$SERVER_PID"); do
        [ "$(state "$child")" != Z ] && { echo "$child"; return 0; }
    done
    echo "$SERVER_PID"
}

# alive PID: process PID runs (not a zombie).
alive() {
    ! gone "$1"
}

# no_such_process PID: there is no process PID, not even a zombie.
no_such_process() {
    [ ! -e "/proc/$1" ]
}

# held PID: process PID is stopped (SIGSTOP), and waits for SIGCONT: state
# T, or t under strace (scripts/trace --claim runs claims so).
held() {
    [[ $(state "$1") == [Tt] ]]
}

# run_clients N [CLIENT ARGS...]: N clients one after another against $PORT,
# each sending one message (one client process, -r N). Fails if any client
# fails or gets no echo within CLIENT_TIMEOUT seconds (5 by default), and
# sets CLIENT_FAILED to the client's last line then. Sets SERVED to the
# number of clients that were echoed.
run_clients() {
    local count=$1 status=0 line last=
    shift
    timeout "${CLIENT_TIMEOUT:-5}" "$CLIENT" -r "$count" -n 1 -i 0 "$@" 127.0.0.1 "$PORT" \
        >"$HARNESS_TMP/clients.out" 2>&1 || status=$?
    SERVED=0
    while IFS= read -r line; do
        [[ $line == "echo: "* || $line == "connection 1: echo: "* ]] && SERVED=$((SERVED + 1))
        last=$line
    done <"$HARNESS_TMP/clients.out"
    case $status in
    0) ;;
    124) CLIENT_FAILED="no whole echo within ${CLIENT_TIMEOUT:-5} s${last:+ (its last line: $last)}" ;;
    *) CLIENT_FAILED=${last:-status $status} ;;
    esac
    return "$status"
}

