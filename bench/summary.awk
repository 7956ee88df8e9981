# summary.awk: the tables of make bench, from bench/run's raw figures.
# Plain POSIX awk (mawk, as on a fresh Debian, or gawk).
#   part=floor: reads forkfloor lines, prints the floor line.
#   part=table: reads build/bench/runs.tsv, prints the table and the ratios,
#               writes the medians to the file named by out (results.tsv);
#               floorfile: the forkfloor lines.

# Sorts a[1..n] in place (insertion sort: n is a handful of rounds).
function sort_n(a, n,    i, j, x) {
    for (i = 2; i <= n; i++) {
        x = a[i]
        for (j = i - 1; j >= 1 && a[j] > x; j--)
            a[j + 1] = a[j]
        a[j + 1] = x
    }
}
function median(a, n) {
    sort_n(a, n)
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# "median (min-max)" of the space-separated numbers in list, with format f.
function spread(list, f,    a, n, m) {
    n = split(list, a, " ")
    if (n == 0)
        return "-"
    m = median(a, n)
    if (n == 1)
        return sprintf(f, m)
    return sprintf(f " (" f "-" f ")", m, a[1], a[n])
}
function med(list,    a, n) {
    n = split(list, a, " ")
    return n ? median(a, n) : 0
}
function lo(list,    a, n) { n = split(list, a, " "); sort_n(a, n); return a[1] }
function hi(list,    a, n) { n = split(list, a, " "); sort_n(a, n); return a[n] }
function value(line, key,    i, n, f, kv) {
    n = split(line, f, " ")
    for (i = 1; i <= n; i++) {
        split(f[i], kv, "=")
        if (kv[1] == key)
            return kv[2]
    }
    return ""
}

part == "floor" {
    wall = wall " " value($0, "wall_us")
    fcpu = fcpu " " value($0, "cpu_us")
    fflt = fflt " " value($0, "faults")
    rounds++
    next
}

part == "table" && FNR > 1 {
    key = $3 SUBSEP $2
    if (!(key in seen)) {
        seen[key] = 1
        order[++keys] = key
        scen[key] = $3
        serv[key] = $2
    }
    cps[key] = cps[key] " " $7
    p50[key] = p50[key] " " $8
    p99[key] = p99[key] " " $9
    cpu[key] = cpu[key] " " $10
    flt[key] = flt[key] " " $11
    errs[key] += $5
    conns[key] += $4
    # per round, for the ratios to ch05
    rcps[$1, $3, $2] = $7
    rcpu[$1, $3, $2] = $10
    rflt[$1, $3, $2] = $11
    if ($1 > maxround)
        maxround = $1
    next
}

END {
    if (part == "floor") {
        printf "fork floor (fork + _exit + waitpid, one at a time): %s us wall, %s us CPU, %s faults per fork;\n",
            spread(wall, "%.0f"), spread(fcpu, "%.0f"), spread(fflt, "%.0f")
        printf "median (min-max) of %d rounds\n\n", rounds
        exit
    }
    while ((getline line < floorfile) > 0)
        floors = floors " " value(line, "cpu_us")
    floor = med(floors)

    printf "%-6s %-10s %-20s %8s %8s %-20s %6s %6s %8s %6s\n", "load", "server", "conns/s", "p50 ms", "p99 ms",
        "cpu us/conn", "/floor", "faults", "vs ch05", "errors"
    print "------ ---------- -------------------- -------- -------- -------------------- ------ ------ -------- ------"
    print "scenario\tserver\tcps\tcps_min\tcps_max\tp50_ms\tp99_ms\tcpu_us\tcpu_min\tcpu_max\tfloor_cpu_us\tfaults\terrors" > out
    last = ""
    for (k = 1; k <= keys; k++) {
        key = order[k]
        s = scen[key]
        if (last != "" && s != last)
            print ""
        last = s
        base = (s SUBSEP "ch05") in seen ? med(cps[s SUBSEP "ch05"]) : 0
        vs = base > 0 ? sprintf("%.2fx", med(cps[key]) / base) : "-"
        over = floor > 0 ? sprintf("%.2f", med(cpu[key]) / floor) : "-"
        printf "%-6s %-10s %-20s %8.2f %8.2f %-20s %6s %6.0f %8s %6d\n", s, serv[key], spread(cps[key], "%.0f"),
            med(p50[key]), med(p99[key]), spread(cpu[key], "%.0f"), over, med(flt[key]), vs, errs[key]
        printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%.3f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", s, serv[key], med(cps[key]),
            lo(cps[key]), hi(cps[key]), med(p50[key]), med(p99[key]), med(cpu[key]), lo(cpu[key]), hi(cpu[key]),
            floor, med(flt[key]), errs[key] > out
    }
    print ""
    print "ratios, median (min-max) of the rounds' ratios:"
    # ch05 against the minimal C server, round by round (the same round's
    # runs are seconds apart, so the ratio cancels most of the machine's drift).
    for (si = 1; si <= 2; si++) {
        s = si == 1 ? "short" : "slow"
        rc = ""
        rp = ""
        rf = ""
        for (r = 1; r <= maxround; r++) {
            if (((r, s, "ch05") in rcps) && ((r, s, "minimal") in rcps) && rcpu[r, s, "minimal"] > 0 &&
                rcps[r, s, "minimal"] > 0) {
                rc = rc " " rcpu[r, s, "ch05"] / rcpu[r, s, "minimal"]
                rp = rp " " rcps[r, s, "ch05"] / rcps[r, s, "minimal"]
                if (rflt[r, s, "minimal"] > 0)
                    rf = rf " " rflt[r, s, "ch05"] / rflt[r, s, "minimal"]
            }
        }
        if (rc != "")
            printf "ch05 / minimal C server, %-5s: cpu per connection %s, page faults %s, conns/s %s\n",
                s, spread(rc, "%.2f"), spread(rf, "%.2f"), spread(rp, "%.2f")
    }
}
