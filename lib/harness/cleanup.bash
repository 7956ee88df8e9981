# Stopping everything the harness started. Part of the harness
# (lib/harness.bash).

# harness_cleanup: stops every client and server started here, and waits
# until each subreaper has reaped all it had, so that nothing outlives the
# caller and no zombie is left. Servers go first: their clients then see the
# connection end and exit by themselves; a client still running after that
# is killed.
harness_cleanup() {
    local pid fd
    for fd in "${FEED[@]}"; do exec {fd}>&- || true; done
    for pid in "${REAPERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${REAPERS[@]}"; do
        poll 3 gone "$pid" || kill -KILL -- "-$pid" 2>/dev/null || true
    done
    for pid in "${SERVERS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    for pid in "${CLIENTS[@]}"; do
        poll 1 gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${CLIENTS[@]}" "${REAPERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    REAPERS=() SERVERS=() CLIENTS=()
    FEED=()
}
