# The misbehaving peer: a client that resets, vanishes, or floods
# (tests/tools/peer.cpp, built as build/tests/peer).

PEER=$REPO/build/tests/peer

# open_peer NAME MODE: runs "peer MODE 127.0.0.1 $PORT" in the background
# like open_client: feed NAME writes its standard input, its output goes to
# NAME.out and NAME.err, and teardown kills it.
open_peer() {
    open_program "$1" "$PEER" "$2" 127.0.0.1 "$PORT"
}
