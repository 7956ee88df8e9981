# chart.awk: build/bench/bench.svg from make bench's figures, in plain POSIX
# awk (no Python, no gnuplot). Six panels: connections per second under the
# two loads, CPU per connection, the fork floor of each link, the think-time
# crossover, and memory per client.
#   awk -f bench/chart.awk -v think=50 -v clients=16 -v machine=TEXT \
#       -v floors=floors-summary.tsv -v crossover=crossover.tsv \
#       -v crosspoint=crossover-summary.tsv -v memory=memory-summary.tsv results.tsv

function esc(s) {
    gsub(/&/, "\\&amp;", s)
    gsub(/</, "\\&lt;", s)
    return s
}
function color(name) {
    if (name == "ch01") return "#4e79a7"
    if (name == "ch05") return "#f28e2b"
    if (name == "ch05-dyn") return "#ffbe7d"
    if (name == "ch05-libc") return "#e8a45c"
    if (name == "minimal") return "#59a14f"
    if (name == "minimal-pie") return "#8cd17d"
    if (name == "socat") return "#b07aa1"
    if (name == "tcpserver") return "#9c755f"
    return "#888888"
}
function label(name) {
    if (name == "ch01") return "ch01 iterative"
    if (name == "ch05") return "ch05 fork (static PIE)"
    if (name == "ch05-dyn") return "ch05, libstdc++ shared"
    if (name == "ch05-libc") return "ch05, libc shared"
    if (name == "minimal") return "minimal C fork"
    if (name == "minimal-pie") return "minimal C, static PIE"
    if (name == "socat") return "socat fork+exec cat"
    if (name == "tcpserver") return "tcpserver fork+exec"
    return name
}
function title(text) {
    printf "<text x=\"20\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", Y + 18, esc(text)
    Y += 30
}
# bar(label, color, value, low, high, text, scale): one bar with a whisker
# from low to high (none where low == high).
function bar(name, fill, v, vlo, vhi, text, scale,    w, x0, x1) {
    w = v * scale
    printf "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">%s</text>\n", left - 8, Y + 15, esc(name)
    printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>\n", left, Y, w, fill
    x1 = left + w
    if (vhi > vlo) {
        x0 = left + vlo * scale
        x1 = left + vhi * scale
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\" stroke-width=\"1.5\"/>\n", x0, Y + 10, x1, Y + 10
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x0, Y + 5, x0, Y + 15
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x1, Y + 5, x1, Y + 15
    }
    printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s</text>\n", (x1 > left + w ? x1 : left + w) + 6, Y + 15, esc(text)
    Y += 26
}
# loads(scenario, column, min column, max column, unit, with p50): a panel
# of the load table; floor lines where floorv is set.
function loads(scen, c, cmin, cmax, unit, withp50,    i, maxv, scale, text, top) {
    maxv = 0
    for (i = 1; i <= rows; i++)
        if (sc[i] == scen && F[i, cmax] > maxv) maxv = F[i, cmax]
    if (unit == "us" && floor_of["c-shared"] > maxv) maxv = floor_of["c-shared"]
    scale = maxv > 0 ? barw / maxv : 0
    top = Y
    for (i = 1; i <= rows; i++) {
        if (sc[i] != scen)
            continue
        text = sprintf("%.0f %s", F[i, c], unit)
        if (withp50)
            text = text sprintf(", p50 %s ms", F[i, col["p50_ms"]] >= 10 ? sprintf("%.0f", F[i, col["p50_ms"]]) : sprintf("%.1f", F[i, col["p50_ms"]]))
        bar(label(sv[i]), color(sv[i]), F[i, c], F[i, cmin], F[i, cmax], text, scale)
    }
    if (unit == "us") {
        floorline("static-pie", "fork floor, static PIE", top, scale)
        floorline("c-shared", "fork floor, libc shared", top, scale)
    }
    Y += 14
}
function floorline(link, text, top, scale,    x) {
    if (!(link in floor_of))
        return
    x = left + floor_of[link] * scale
    printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n", x, top - 4, x, Y
    printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#d62728\">%s %.0f us</text>\n", x + 4, Y + 14, text, floor_of[link]
    Y += 18
}
function log10(v) { return log(v) / log(10) }

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
}
END {
    left = 190
    barw = 450
    width = 840
    while ((getline line < floors) > 0) {
        split(line, f, "\t")
        if (f[1] == "link")
            continue
        l = lorder[++nlinks] = f[1]
        link_label[l] = f[2]
        floor_of[l] = f[3]
        floor_lo[l] = f[4]
        floor_hi[l] = f[5]
        maps_of[l] = f[6]
    }
    while ((getline line < crossover) > 0) {
        split(line, f, "\t")
        if (f[1] == "think_ms")
            continue
        if (!(f[1] in tpos)) {
            tpos[f[1]] = ++nthink
            tval[nthink] = f[1]
        }
        xc[f[2], tpos[f[1]]] = f[3]
    }
    while ((getline line < crosspoint) > 0) {
        split(line, f, "\t")
        if (f[1] != "think_ms" && f[4] != "" && f[4] != "below")
            cross = f[4]
    }
    while ((getline line < memory) > 0) {
        split(line, f, "\t")
        if (f[1] == "server" || f[2] != 100)
            continue
        mem[++nmem] = f[1]
        mrss[nmem] = f[3]; muss[nmem] = f[4]; mpte[nmem] = f[5]; mkern[nmem] = f[7]
    }

    for (i = 1; i <= rows; i++) {
        if (sc[i] == "short") ns++
        if (sc[i] == "slow") nl++
    }
    height = 50 + (44 + 26 * ns) + (44 + 26 * nl) + (80 + 26 * ns) + (44 + 26 * nlinks) + 330 + (44 + 26 * 4 * nmem) + 40
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n", width, height, width, height
    printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height
    printf "<text x=\"20\" y=\"26\" font-size=\"17\" font-weight=\"bold\">make bench: what a process costs, %d clients on 127.0.0.1</text>\n", clients
    printf "<text x=\"20\" y=\"44\" font-size=\"11\" fill=\"#555\">%s</text>\n", esc(machine)
    Y = 54
    title("Short requests: connections per second (higher is better)")
    loads("short", col["cps"], col["cps_min"], col["cps_max"], "/s", 1)
    title("Slow clients (" think " ms think time): connections per second")
    loads("slow", col["cps"], col["cps_min"], col["cps_max"], "/s", 1)
    title("Short requests: CPU time per connection, server + children (lower is better)")
    loads("short", col["cpu_us"], col["cpu_min"], col["cpu_max"], "us", 0)

    title("Fork floor: fork() + _exit() + waitpid(), by how the program is linked (lower is better)")
    maxv = 0
    for (k = 1; k <= nlinks; k++)
        if (floor_hi[lorder[k]] > maxv) maxv = floor_hi[lorder[k]]
    for (k = 1; k <= nlinks; k++) {
        l = lorder[k]
        bar(link_label[l], l == "static-pie" ? "#f28e2b" : "#bab0ac", floor_of[l], floor_lo[l], floor_hi[l],
            sprintf("%.0f us, %d mappings", floor_of[l], maps_of[l]), maxv > 0 ? barw / maxv : 0)
    }
    Y += 14

    title("Think time against connections per second, ch01 and ch05 (log scale)")
    px0 = left - 60
    px1 = left + barw
    py0 = Y + 250
    py1 = Y + 10
    ymin = 1
    ymax = 5
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>\n", px0, py0, px1, py0
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>\n", px0, py0, px0, py1
    for (e = ymin; e <= ymax; e++) {
        yy = py0 - (e - ymin) / (ymax - ymin) * (py0 - py1)
        printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", px0, yy, px1, yy
        printf "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>\n", px0 - 4, yy + 4, 10 ^ e
    }
    for (t = 1; t <= nthink; t++) {
        xx = px0 + 20 + (t - 1) * (px1 - px0 - 40) / (nthink > 1 ? nthink - 1 : 1)
        tx[t] = xx
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", xx, py0 + 16, tval[t]
    }
    printf "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">think time, ms</text>\n", (px0 + px1) / 2, py0 + 32
    for (s = 1; s <= 2; s++) {
        name = s == 1 ? "ch01" : "ch05"
        pts = ""
        for (t = 1; t <= nthink; t++) {
            v = xc[name, t] > 10 ? xc[name, t] : 10
            yy = py0 - (log10(v) - ymin) / (ymax - ymin) * (py0 - py1)
            pts = pts sprintf("%.1f,%.1f ", tx[t], yy)
            printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", tx[t], yy, color(name)
        }
        printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", pts, color(name)
        printf "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>\n", px1 + 8, py1 + 14 + 16 * s, color(name), label(name)
    }
    if (cross != "") {
        for (t = 1; t < nthink; t++)
            if (tval[t] + 0 <= cross + 0 && cross + 0 <= tval[t + 1] + 0)
                cx = tx[t] + (cross - tval[t]) / (tval[t + 1] - tval[t]) * (tx[t + 1] - tx[t])
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-dasharray=\"6,4\"/>\n", cx, py1, cx, py0
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#d62728\">ch05 ahead from %.2f ms</text>\n", cx + 4, py1 + 8, cross
    }
    Y = py0 + 60

    title("Memory per client at 100 idle clients, KiB (lower is better)")
    maxv = 0
    for (k = 1; k <= nmem; k++)
        if (mrss[k] > maxv) maxv = mrss[k]
    for (k = 1; k <= nmem; k++) {
        scale = maxv > 0 ? barw / maxv : 0
        bar(mem[k] ": RSS, as ps shows", color(mem[k]), mrss[k], 0, 0, sprintf("%.0f KiB", mrss[k]), scale)
        bar("USS, only its own", color(mem[k]), muss[k], 0, 0, sprintf("%.0f KiB", muss[k]), scale)
        bar("page tables", color(mem[k]), mpte[k], 0, 0, sprintf("%.0f KiB", mpte[k]), scale)
        bar("kernel, all told", color(mem[k]), mkern[k], 0, 0, sprintf("%.0f KiB", mkern[k]), scale)
    }
    printf "<text x=\"20\" y=\"%d\" font-size=\"11\" fill=\"#555\">Bars: median of the rounds; whiskers: lowest to highest round. See bench/README.md.</text>\n", height - 12
    print "</svg>"
}
