# The process harness: start servers and clients, wait for conditions, read
# /proc and ss, and stop everything that was started. The one place that
# starts the processes of the tests, the demos, the doc-test and the bench.
# Sourced by tests/helpers.bash, scripts/demo, tests/doctest, bench/run and
# maint/fresh-debian; it defines functions and variables only, in seven files
# by topic:
#   lib/harness/wait.bash      poll, wait_until, nap: bounded waiting; counters
#   lib/harness/proc.bash      a process's state, children, descriptors;
#                              close_inherited_fds
#   lib/harness/sockets.bash   sockets in a state, a process's port
#   lib/harness/servers.bash   start_server, stop_server, start_background,
#                              server_command
#   lib/harness/clients.bash   open_client, feed, end_feed, client_got
#   lib/harness/cleanup.bash   harness_cleanup: stop all that was started
#   lib/harness/leftovers.bash what a run left behind: the one finder
#
# Each server runs under build/tools/subreaper, in a process group of its
# own, so that stopping the subreaper stops the server and all its children
# and none is left a zombie. Files (logs, client pipes) go to $HARNESS_TMP,
# which is $BATS_TEST_TMPDIR inside a Bats test unless set (Bats sources the
# test file, and so this one, again in each test's own process).
#
# The functions that run in polling loops start no process: they read /proc
# and files with the shell's own read, and set variables rather than print
# what a caller would have to capture with $(...).

if [ -z "${REPO:-}" ]; then
    # cd and back rather than $(cd ... && pwd): no process to start.
    _harness_from=$PWD
    cd "${BASH_SOURCE[0]%/*}/.." && REPO=$PWD
    cd "$_harness_from" || return 1
    unset _harness_from
fi
# shellcheck source=chapters.bash
source "$REPO/lib/chapters.bash"
for _harness_part in wait proc sockets servers clients cleanup leftovers; do
    # shellcheck source=/dev/null
    source "$REPO/lib/harness/$_harness_part.bash"
done
unset _harness_part
[ -n "${HARNESS_TMP:-}" ] || HARNESS_TMP=${BATS_TEST_TMPDIR:-}
SUBREAPER=$REPO/build/tools/subreaper
# The client every test and demo runs, unless CLIENT is set: client.cpp is
# the same file in every chapter (tests/docs.bats checks it).
CLIENT=${CLIENT:-$REPO/ch05/client}

REAPERS=()
SERVERS=()
SERVER_PREFIX=()
REAPER_OPTIONS=()
SERVER_OUT=
SERVER_ERR=
SERVER_STDIO=
SERVER_FAILURE=
WAITED_FOR=
CLIENT_FAILED=
PROGRAM_INPUT=
PROGRAM_ERR=
CLIENTS=()
declare -gA FEED=() CLIENT_PID=()
