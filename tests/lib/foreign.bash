# make check-chNN SERVER=... under test: the stand-in servers of
# tests/tools/standin.cpp, of another make (no log line), graded.

STANDIN=$REPO/build/tests/standin

# grade_with CH CLAIMS SERVER: make check-CH SERVER=SERVER on those claims only.
grade_with() {
    CLAIMS=$2 MAKE_TIMEOUT=$((120 * ${TIME_SCALE:-1})) make_run "check-$1" "SERVER=$3"
}
