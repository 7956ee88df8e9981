# summary.awk: the tables of make bench, from bench/run's raw figures.
# Plain POSIX awk (mawk, as on a fresh Debian, or gawk). part= says which:
#   floors     floors.tsv -> the fork floor of each link; maps: maps.tsv;
#              out: floors-summary.tsv
#   loads      runs.tsv -> the load table and its ratios; out: results.tsv
#   crossover  crossover.tsv -> connections per second by think time, and
#              where ch05 overtakes ch01; out: crossover-summary.tsv
#   memory     memory.tsv -> KiB per idle client; out: memory-summary.tsv
#              (columns: server clients procs rss pss uss pte, the
#              children's rss uss pte, kernel)
#   compare    ratios of this run (lines "ratio: LABEL: VALUE", first file)
#              beside those of bench/RESULTS.md (second file)
# Every figure worth comparing between machines is printed as a line
#   ratio: LABEL: VALUE
# which is what part=compare reads back.

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
function ratio(label, v, f) {
    printf "ratio: %s: " f "\n", label, v
}

# ---------------------------------------------------------------- floors
# How each link is made, and its short name for the chart.
function link_text(l) {
    if (l == "c-shared") return "gcc, libc shared (the minimal C server)"
    if (l == "cxx-shared") return "g++, libstdc++ libm libgcc_s libc shared"
    if (l == "cxx-libc") return "g++ -static-libstdc++ -static-libgcc"
    if (l == "static-pie") return "-static-pie, nothing shared (the chapters)"
    return l
}
function link_label(l) {
    if (l == "c-shared") return "libc shared (C server)"
    if (l == "cxx-shared") return "libstdc++ shared"
    if (l == "cxx-libc") return "libstdc++ static"
    if (l == "static-pie") return "static PIE (chapters)"
    return l
}
part == "floors" && FNR == 1 {
    while ((getline line < maps) > 0) {
        split(line, f, "\t")
        if (f[1] != "server")
            servermaps = servermaps sprintf("%s%s %s", servermaps == "" ? "" : ", ", f[1], f[2])
    }
    next
}
part == "floors" {
    if (!($2 in fseen)) {
        fseen[$2] = 1
        forder[++nlinks] = $2
    }
    fcpu[$2] = fcpu[$2] " " $6
    fwall[$2] = fwall[$2] " " $5
    fflt[$2] = fflt[$2] " " $7
    fmaps[$2] = $8
    next
}

# ---------------------------------------------------------------- loads
part == "loads" && FNR > 1 {
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
    rcps[$1, $3, $2] = $7
    rcpu[$1, $3, $2] = $10
    if ($1 > maxround)
        maxround = $1
    next
}
# "median (min-max)" of the rounds' ratios a / b of column col (rcps, rcpu).
function round_ratios(a, b, s, what,    r, list) {
    list = ""
    for (r = 1; r <= maxround; r++) {
        if (what == "cps" && ((r, s, a) in rcps) && ((r, s, b) in rcps) && rcps[r, s, b] > 0)
            list = list " " rcps[r, s, a] / rcps[r, s, b]
        if (what == "cpu" && ((r, s, a) in rcpu) && ((r, s, b) in rcpu) && rcpu[r, s, b] > 0)
            list = list " " rcpu[r, s, a] / rcpu[r, s, b]
    }
    return list
}

# ---------------------------------------------------------------- crossover
part == "crossover" && FNR > 1 {
    if (!($1 in tseen)) {
        tseen[$1] = 1
        thinks[++nthinks] = $1
    }
    xcps[$1, $2] = $3
    next
}

# ---------------------------------------------------------------- memory
part == "memory" && FNR > 1 {
    if (!($1 in mseen)) {
        mseen[$1] = 1
        morder[++nmem] = $1
    }
    if (!($2 in nseen)) {
        nseen[$2] = 1
        norder[++nn] = $2
    }
    for (i = 3; i <= NF; i++)
        M[$1, $2, i] = $i
    next
}

# ---------------------------------------------------------------- compare
part == "compare" && FNR == NR {
    if (sub(/^ratio: /, "")) {
        n = split($0, f, ": ")
        here[f[1]] = f[n]
        hlabels[++nh] = f[1]
    }
    next
}
part == "compare" {
    if ($0 ~ /^make bench/ && refdate == "")
        refdate = $0
    if (sub(/^ratio: /, "")) {
        n = split($0, f, ": ")
        ref[f[1]] = f[n]
    }
    next
}

END {
    if (part == "floors") {
        print "fork floor: fork() + _exit() + waitpid(), one at a time, by forkfloor linked each way a server can be"
        printf "%-11s %-43s %5s %-20s %6s\n", "link", "", "maps", "cpu us/fork", "faults"
        print "----------- ------------------------------------------- ----- -------------------- ------"
        print "link\tlabel\tcpu_us\tcpu_min\tcpu_max\tmaps" > out
        for (k = 1; k <= nlinks; k++) {
            l = forder[k]
            printf "%-11s %-43s %5d %-20s %6.0f\n", l, link_text(l), fmaps[l], spread(fcpu[l], "%.0f"), med(fflt[l])
            printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%d\n", l, link_label(l), med(fcpu[l]), lo(fcpu[l]), hi(fcpu[l]), fmaps[l] > out
        }
        print "servers' own mappings: " servermaps
        if (("c-shared" in fseen) && med(fcpu["c-shared"]) > 0) {
            for (k = 1; k <= nlinks; k++)
                if (forder[k] != "c-shared")
                    ratio("fork floor, " forder[k] " / c-shared", med(fcpu[forder[k]]) / med(fcpu["c-shared"]), "%.2f")
        }
        print ""
    }
    if (part == "loads") {
        printf "%-6s %-11s %-20s %8s %8s %-20s %6s %8s %6s\n", "load", "server", "conns/s", "p50 ms", "p99 ms",
            "cpu us/conn", "faults", "vs ch05", "errors"
        print "------ ----------- -------------------- -------- -------- -------------------- ------ -------- ------"
        print "scenario\tserver\tcps\tcps_min\tcps_max\tp50_ms\tp99_ms\tcpu_us\tcpu_min\tcpu_max\tfaults\terrors" > out
        last = ""
        for (k = 1; k <= keys; k++) {
            key = order[k]
            s = scen[key]
            if (last != "" && s != last)
                print ""
            last = s
            base = (s SUBSEP "ch05") in seen ? med(cps[s SUBSEP "ch05"]) : 0
            vs = base > 0 ? sprintf("%.2fx", med(cps[key]) / base) : "-"
            # Less than a fault per connection over what a start costs can
            # come out a hair below zero.
            faults = med(flt[key]) < 0.5 ? 0 : med(flt[key])
            printf "%-6s %-11s %-20s %8.2f %8.2f %-20s %6.0f %8s %6d\n", s, serv[key], spread(cps[key], "%.0f"),
                med(p50[key]), med(p99[key]), spread(cpu[key], "%.0f"), faults, vs, errs[key]
            printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%.3f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", s, serv[key], med(cps[key]),
                lo(cps[key]), hi(cps[key]), med(p50[key]), med(p99[key]), med(cpu[key]), lo(cpu[key]), hi(cpu[key]),
                med(flt[key]), errs[key] > out
        }
        print ""
        print "ratios: median of the rounds' ratios (each round's runs are seconds apart), (min-max):"
        if (("short" SUBSEP "ch01") in seen && ("short" SUBSEP "ch05") in seen) {
            ratio("conns/s, short, ch01 / ch05", med(round_ratios("ch01", "ch05", "short", "cps")), "%.2f")
            ratio("conns/s, slow, ch05 / ch01", med(round_ratios("ch05", "ch01", "slow", "cps")), "%.2f")
        }
        for (x = 1; x <= 4; x++) {
            a = x == 1 ? "ch05" : x == 2 ? "ch05-dyn" : x == 3 ? "ch05-libc" : "minimal-pie"
            for (si = 1; si <= 2; si++) {
                s = si == 1 ? "short" : "slow"
                if (!((s SUBSEP a) in seen) || !((s SUBSEP "minimal") in seen))
                    continue
                rc = round_ratios(a, "minimal", s, "cps")
                ru = round_ratios(a, "minimal", s, "cpu")
                ratio(sprintf("conns/s, %s, %s / minimal", s, a), med(rc), "%.2f")
                ratio(sprintf("cpu per conn, %s, %s / minimal", s, a), med(ru), "%.2f")
                printf "       (rounds: conns/s %s, cpu per conn %s)\n", spread(rc, "%.2f"), spread(ru, "%.2f")
            }
        }
        print ""
    }
    if (part == "crossover") {
        print "crossover: connections per second against the think time (16 clients; each holds its connection"
        print "that long between the two halves of its message), one run each"
        printf "%9s %10s %10s %10s\n", "think ms", "ch01", "ch05", "ch05/ch01"
        print "--------- ---------- ---------- ----------"
        print "think_ms\tch01\tch05\tcrossover_ms" > out
        cross = ""
        for (k = 1; k <= nthinks; k++) {
            t = thinks[k]
            a = xcps[t, "ch01"]
            b = xcps[t, "ch05"]
            printf "%9s %10.0f %10.0f %10s\n", t, a, b, (a > 0 ? sprintf("%.2f", b / a) : "-")
            d = b - a
            if (cross == "" && d > 0) {
                if (k == 1)
                    cross = "below"
                else
                    cross = prevt + (t - prevt) * (-prevd) / (d - prevd)
            }
            prevt = t
            prevd = d
        }
        if (cross == "below") {
            print "ch05 is ahead of ch01 at every think time measured, 0 included"
        } else if (cross == "") {
            print "ch05 does not overtake ch01 at any think time measured"
        } else {
            printf "ch05 overtakes ch01 at a think time of about %.2f ms (linear between the points around it)\n", cross
            ratio("crossover think time, ms", cross, "%.2f")
        }
        for (k = 1; k <= nthinks; k++)
            printf "%s\t%s\t%s\t%s\n", thinks[k], xcps[thinks[k], "ch01"], xcps[thinks[k], "ch05"], cross > out
        print ""
    }
    if (part == "memory") {
        print "memory with N idle clients connected, KiB: the whole server (parent and children; smaps_rollup),"
        print "then each client's share: what ps shows a child (RSS), the pages only the child holds (USS), its"
        print "page tables (VmPTE), the whole tree's PSS growth per client, and the kernel's: what /proc/meminfo's"
        print "KernelStack + PageTables + SUnreclaim grew by per client (a child's kernel stack, task and page"
        print "tables; both ends' sockets), shown at 100 clients only, where a new slab page is not most of it"
        printf "%-8s %7s %6s %8s %8s %8s | %8s %8s %8s %8s %8s\n", "server", "clients", "procs", "RSS", "PSS", "USS",
            "RSS", "USS", "tables", "PSS+", "kernel"
        print "-------- ------- ------ -------- -------- -------- | -------- -------- -------- -------- --------"
        print "server\tclients\trss_each\tuss_each\tpte_each\tpss_each\tkernel_each" > out
        for (k = 1; k <= nmem; k++) {
            sv = morder[k]
            for (j = 1; j <= nn; j++) {
                n = norder[j]
                if (!((sv, n, 3) in M))
                    continue
                if (n == 0) {
                    printf "%-8s %7d %6d %8d %8d %8d |\n", sv, n, M[sv, n, 3], M[sv, n, 4], M[sv, n, 5], M[sv, n, 6]
                    continue
                }
                rss = M[sv, n, 8] / n
                uss = M[sv, n, 9] / n
                pte = M[sv, n, 10] / n
                pss = (M[sv, n, 5] - M[sv, 0, 5]) / n
                kern = M[sv, n, 11] / n
                printf "%-8s %7d %6d %8d %8d %8d | %8.1f %8.1f %8.1f %8.1f %8s\n", sv, n, M[sv, n, 3], M[sv, n, 4],
                    M[sv, n, 5], M[sv, n, 6], rss, uss, pte, pss, (n >= 100 ? sprintf("%.1f", kern) : "-")
                printf "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", sv, n, rss, uss, pte, pss, kern > out
                if (n == 100) {
                    ratio(sprintf("memory per client at 100, %s, RSS KiB", sv), rss, "%.1f")
                    ratio(sprintf("memory per client at 100, %s, USS KiB", sv), uss, "%.1f")
                    ratio(sprintf("memory per client at 100, %s, PSS growth KiB", sv), pss, "%.1f")
                    ratio(sprintf("memory per client at 100, %s, page tables KiB", sv), pte, "%.1f")
                    ratio(sprintf("memory per client at 100, %s, kernel KiB", sv), kern, "%.1f")
                }
            }
        }
        print ""
    }
    if (part == "compare") {
        if (nh == 0)
            exit
        sub(/^make bench, /, "", refdate)
        sub(/ UTC.*/, " UTC", refdate)
        print "this run beside bench/RESULTS.md (a quiet run, " refdate "): compare ratios, not absolute figures"
        printf "%-50s %10s %12s\n", "", "this run", "RESULTS.md"
        for (k = 1; k <= nh; k++) {
            l = hlabels[k]
            printf "%-50s %10s %12s\n", l, here[l], (l in ref) ? ref[l] : "-"
        }
    }
}
