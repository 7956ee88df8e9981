# A server's TCP sockets: how many are in a state, which port a process
# listens on. Part of the harness (lib/harness.bash).

# sockets STATE PORT: how many IPv4 TCP sockets with local port PORT are in
# STATE (established, close-wait, listening, time-wait..., or connected:
# established or close-wait, a connection this side has not closed yet):
# the server's side of its connections; a counter. Read from /proc/net/tcp, the table
# ss reads too, with the shell's own read.
sockets() {
    tcp_count "$1" "$2" local
}

# sockets_to STATE PORT: the same for remote port PORT: the clients' side.
sockets_to() {
    tcp_count "$1" "$2" remote
}

# tcp_count STATE PORT local|remote: sockets and sockets_to.
tcp_count() {
    local code hex pattern n lines=()
    case $1 in
    established) code=01 ;; syn-sent) code=02 ;; syn-recv) code=03 ;;
    fin-wait-1) code=04 ;; fin-wait-2) code=05 ;; time-wait) code=06 ;;
    close) code=07 ;; close-wait) code=08 ;; last-ack) code=09 ;;
    listening) code=0A ;; closing) code=0B ;; connected) code='0[18]' ;;
    *) echo "tcp_count: no state $1" >&2; return 2 ;;
    esac
    printf -v hex '%04X' "$2"
    # mapfile, not a read loop: read takes /proc/net/tcp a byte at a time,
    # and the kernel makes the whole table again for each byte. A line:
    # "  N: LOCALIP:PORT REMOTEIP:PORT STATE ...", in hexadecimal.
    if [ "$3" = local ]; then
        pattern="*:$hex ????????:???? $code *"
    else
        pattern="*:???? ????????:$hex $code *"
    fi
    mapfile -t lines </proc/net/tcp
    lines_matching "$pattern" "${lines[@]}"
    n=$COUNT
    counted "$n"
}

# port_of PID: the TCP port process PID listens on, if any.
port_of() {
    local line
    line=$(ss -ltnpH | grep -F "pid=$1,") || return 1
    line=${line#*:}
    echo "${line%% *}"
}

# free_port: sets FREE_PORT to a port no TCP socket of this machine uses,
# below the range the kernel takes its ports from (ip_local_port_range), so
# that no client's port takes it meanwhile.
free_port() {
    local low lines=() hex tries=20
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    mapfile -t lines </proc/net/tcp
    [ -r /proc/net/tcp6 ] && mapfile -t -O "${#lines[@]}" lines </proc/net/tcp6
    while ((tries-- > 0)); do
        FREE_PORT=$((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000)))
        printf -v hex '%04X' "$FREE_PORT"
        lines_matching "*:$hex *" "${lines[@]}"
        [ "$COUNT" -eq 0 ] && return 0
    done
    return 1
}

# lines_matching PATTERN LINE...: sets COUNT to how many LINEs match PATTERN.
lines_matching() {
    local pattern=$1 line
    shift
    COUNT=0
    for line in "$@"; do
        # shellcheck disable=SC2053 # a pattern, on purpose
        [[ $line == $pattern ]] && COUNT=$((COUNT + 1))
    done
    return 0
}
