# chart.awk: build/bench/bench.svg from build/bench/results.tsv, in plain
# POSIX awk (no Python, no gnuplot): three panels of horizontal bars, the
# median of the rounds with a whisker from the lowest to the highest round.
#   awk -f bench/chart.awk -v think=50 -v clients=16 build/bench/results.tsv > bench.svg

function esc(s) {
    gsub(/&/, "\\&amp;", s)
    gsub(/</, "\\&lt;", s)
    return s
}
function color(name) {
    if (name == "ch01") return "#4e79a7"
    if (name == "ch05") return "#f28e2b"
    if (name == "minimal") return "#59a14f"
    if (name == "socat") return "#b07aa1"
    if (name == "tcpserver") return "#9c755f"
    return "#888888"
}
function label(name) {
    if (name == "ch01") return "ch01 iterative"
    if (name == "ch05") return "ch05 fork"
    if (name == "minimal") return "minimal C fork"
    if (name == "socat") return "socat fork+exec cat"
    if (name == "tcpserver") return "tcpserver fork+exec cat"
    return name
}
# panel(title, scenario, column of the median, of the min, of the max, unit,
#       floor, column of the p50 latency or 0)
function panel(title, scen, c, cmin, cmax, unit, floorv, cp50,    i, n, top, scale, w, x0, x1, y, v, maxv, extra) {
    n = 0
    maxv = floorv
    for (i = 1; i <= rows; i++)
        if (sc[i] == scen) {
            n++
            if (F[i, cmax] > maxv) maxv = F[i, cmax]
        }
    if (n == 0)
        return
    top = Y
    printf "<text x=\"20\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", top + 18, esc(title)
    Y = top + 30
    scale = maxv > 0 ? barw / maxv : 0
    for (i = 1; i <= rows; i++) {
        if (sc[i] != scen)
            continue
        v = F[i, c]
        w = v * scale
        printf "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">%s</text>\n", left - 8, Y + 15, esc(label(sv[i]))
        printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>\n", left, Y, w, color(sv[i])
        x0 = left + F[i, cmin] * scale
        x1 = left + F[i, cmax] * scale
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\" stroke-width=\"1.5\"/>\n", x0, Y + 10, x1, Y + 10
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x0, Y + 5, x0, Y + 15
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x1, Y + 5, x1, Y + 15
        extra = cp50 ? sprintf(", p50 %s ms", F[i, cp50] >= 10 ? sprintf("%.0f", F[i, cp50]) : sprintf("%.1f", F[i, cp50])) : ""
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.0f %s%s</text>\n", (x1 > left + w ? x1 : left + w) + 6, Y + 15, v, unit, extra
        Y += 26
    }
    if (floorv > 0) {
        x0 = left + floorv * scale
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n", x0, top + 26, x0, Y
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#d62728\">fork floor %.0f us</text>\n", x0 + 4, Y + 14, floorv
        Y += 18
    }
    Y += 14
}

NR == 1 {
    for (i = 1; i <= NF; i++)
        col[$i] = i
    next
}
{
    rows++
    sc[rows] = $col["scenario"]
    sv[rows] = $col["server"]
    for (i = 1; i <= NF; i++)
        F[rows, i] = $i
    floor = $col["floor_cpu_us"]
}
END {
    left = 170
    barw = 470
    width = 820
    for (i = 1; i <= rows; i++) {
        if (sc[i] == "short") ns++
        if (sc[i] == "slow") nl++
    }
    height = 40 + (ns ? 44 + 26 * ns : 0) + (nl ? 44 + 26 * nl : 0) + (ns ? 62 + 26 * ns : 0) + 30
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n", width, height, width, height
    printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height
    printf "<text x=\"20\" y=\"26\" font-size=\"17\" font-weight=\"bold\">make bench: iterative (ch01) and fork-per-client (ch05) echo servers, %d clients</text>\n", clients
    Y = 40
    panel("Short requests: connections per second (higher is better)", "short", col["cps"], col["cps_min"], col["cps_max"], "/s", 0, col["p50_ms"])
    panel("Slow clients (" think " ms think time): connections per second", "slow", col["cps"], col["cps_min"], col["cps_max"], "/s", 0, col["p50_ms"])
    panel("Short requests: CPU time per connection, server + children (lower is better)", "short", col["cpu_us"], col["cpu_min"], col["cpu_max"], "us", floor, 0)
    printf "<text x=\"20\" y=\"%d\" font-size=\"11\" fill=\"#555\">Bars: median of the rounds; whiskers: lowest to highest round. Dashed: bare fork()+_exit()+waitpid(). See bench/README.md.</text>\n", height - 12
    print "</svg>"
}
