# chart.gp: make bench's chart, an SVG on stdout, from the tables that
# bench/summary.awk writes into DIR (results.tsv, floors-summary.tsv,
# crossover-summary.tsv, memory-summary.tsv). Six panels: connections per
# second under the two loads, CPU per connection, the fork floor of each
# link, the think-time crossover, and memory per client.
#   gnuplot -c bench/chart.gp DIR THINK_MS CLIENTS MACHINE >bench.svg

if (ARGC != 4) {
    print "usage: gnuplot -c bench/chart.gp DIR THINK_MS CLIENTS MACHINE"
    exit status 2
}
results = ARG1 . "/results.tsv"
floors = ARG1 . "/floors-summary.tsv"
crossover = ARG1 . "/crossover-summary.tsv"
memory = ARG1 . "/memory-summary.tsv"
set datafile separator "\t"

color(s) = s eq "ch01" ? 0x4e79a7 : s eq "ch05" ? 0xf28e2b : s eq "ch05-dyn" ? 0xffbe7d : \
    s eq "ch05-libc" ? 0xe8a45c : s eq "minimal" ? 0x59a14f : s eq "minimal-pie" ? 0x8cd17d : \
    s eq "socat" ? 0xb07aa1 : s eq "tcpserver" ? 0x9c755f : 0x888888
label(s) = s eq "ch01" ? "ch01 iterative" : s eq "ch05" ? "ch05 fork (static PIE)" : \
    s eq "ch05-dyn" ? "ch05, libstdc++ shared" : s eq "ch05-libc" ? "ch05, libc shared" : \
    s eq "minimal" ? "minimal C fork" : s eq "minimal-pie" ? "minimal C, static PIE" : \
    s eq "socat" ? "socat fork+exec cat" : s eq "tcpserver" ? "tcpserver fork+exec" : s
max(a, b) = a > b ? a : b
ms(v) = v >= 10 ? sprintf("%.0f", v) : sprintf("%.1f", v)
# A whisker at v from the lowest round to the highest: none for a single
# round.
whisker(v, lo, hi) = hi > lo ? v : NaN
# A string column of a table below (set table pads them with a space).
name(c) = word(strcol(c), 1)

# ---------------------------------------------------------------- the figures
# The rows of each load, and memory at 100 clients, as tables of their own.
set table $short
plot results skip 1 using (strcol(2)):3:4:5:6:8:9:10 with table if (strcol(1) eq "short")
set table $slow
plot results skip 1 using (strcol(2)):3:4:5:6:8:9:10 with table if (strcol(1) eq "slow")
set table $memory
plot memory skip 1 using (strcol(1)):3:4:5:7 with table if ($2 == 100)
unset table
# $short, $slow: server cps cps_min cps_max p50_ms cpu_us cpu_min cpu_max
stats $short using (max($2, $4)):(max($6, $8)) nooutput
nshort = STATS_records; short_max = STATS_max_x; cpu_max = STATS_max_y
stats $slow using (max($2, $4)) nooutput
nslow = STATS_records; slow_max = STATS_max
# $memory: server rss uss page_tables kernel, KiB per client
stats $memory using 2 nooutput
nmemory = STATS_records; memory_max = STATS_max

floor_pie = NaN; floor_c = NaN
stats floors skip 1 using (floor_pie = strcol(1) eq "static-pie" ? $3 : floor_pie, \
    floor_c = strcol(1) eq "c-shared" ? $3 : floor_c, max($5, $3)) nooutput
nfloors = STATS_records; floor_max = STATS_max
cpu_max = max(cpu_max, max(floor_pie == floor_pie ? floor_pie : 0, floor_c == floor_c ? floor_c : 0))

# Where ch05 overtakes ch01 (crossover_ms: a number of ms, "below" when
# ch05 is ahead at 0 already, empty when it never is), on the x axis, where
# the think times stand evenly spaced: linear between the two points around
# it, as summary.awk reckons it.
stats crossover skip 1 using (cross = strcol(4), 0) nooutput
nthinks = STATS_records
cross_x = NaN
if (cross ne "" && cross ne "below") {
    t0 = NaN
    stats crossover skip 1 using (cross_x = t0 <= cross + 0 && cross + 0 <= $1 ? $0 - 1 + (cross - t0) / ($1 - t0) : cross_x, \
        t0 = $1, 0) nooutput
}

# ---------------------------------------------------------------- the page
# In pixels: each panel is its title, a row per bar (or the crossover's
# plot), then its x axis.
W = 860.0
row = 26
head = 36
axis = 58
cross_height = 300
key = 24
H = 64.0 + 6 * (head + axis) + (2 * nshort + nslow + nfloors + 4.5 * nmemory - 0.5) * row + cross_height + key + 30
set terminal svg size W, H font "DejaVu Sans,12" enhanced background "white"
set multiplot

# Enhanced text (bold) in the titles only; what comes from the data is
# printed as it is.
set label 1 sprintf("{/:Bold make bench: what a process costs, %s clients on 127.0.0.1}", ARG3) \
    at screen 20 / W, 1 - 28 / H font ",17" left
set label 2 ARG4 at screen 20 / W, 1 - 48 / H font ",11" textcolor rgb "#555555" left noenhanced
set label 3 "Bars: median of the rounds; whiskers: lowest to highest round. See bench/README.md." \
    at screen 20 / W, 12 / H font ",11" textcolor rgb "#555555" left noenhanced
Y = 64

# panel(TITLE, HEIGHT, PAD): the commands that lay out the next panel below
# Y, TITLE above a plot HEIGHT pixels high (PAD more pixels between them),
# and move Y past it.
panel(title, height, pad) = sprintf("set tmargin at screen %.5f; set bmargin at screen %.5f; " . \
    "set label 10 '{/:Bold %s}' at screen %.5f, screen %.5f font ',15' left; Y = %d", \
    1 - (Y + head + pad) / H, 1 - (Y + head + pad + height) / H, title, 20 / W, 1 - (Y + head - 12) / H, \
    Y + head + pad + height + axis)
set lmargin at screen 210 / W
set rmargin at screen (W - 24) / W
set border 3
set tics nomirror out
set ytics scale 0 noenhanced
set xtics noenhanced
set grid xtics lc rgb "#dddddd" lt 1
set style fill solid 1.0 noborder
set style textbox opaque noborder margins 1, 1
set bars 0.5
set xlabel offset 0, 0.3
set key reverse Left samplen 2.5 noenhanced opaque noautotitle

# The plot elements of a bar panel of $short or $slow, for column c, its
# lowest at c + 1 and highest at c + 2: the bars, their whiskers, and
# text(c) beside each. The floor lines of the CPU panel go between, so that
# they cross the bars and not the text.
bars = "using (0):0:(0):(column(c)):($0 - 0.36):($0 + 0.36):(color(name(1))):ytic(label(name(1))) with boxxyerror lc rgb variable"
whiskers = "using (whisker(column(c), column(c + 1), column(c + 2))):0:(column(c + 1)):(column(c + 2)) with xerrorbars pt -1 lc rgb '#222222'"
values = "using (max(column(c), column(c + 2))):0:(text(c)) with labels left offset 0.6, 0 boxed noenhanced"

# ------------------------------------------------ 1. short: connections per second
eval panel("Short requests: connections per second (higher is better)", nshort * row, 0)
c = 2
text(c) = sprintf("%.0f /s, p50 %s ms", column(c), ms($5))
set yrange [nshort - 0.5:-0.5]
set xrange [0:short_max * 1.38]
set xlabel "connections per second"
plot $short @bars, "" @whiskers, "" @values
unset label 1
unset label 2
unset label 3

# ------------------------------------------------ 2. slow: connections per second
eval panel(sprintf("Slow clients (%s ms think time): connections per second (higher is better)", ARG2), nslow * row, 0)
set yrange [nslow - 0.5:-0.5]
set xrange [0:slow_max * 1.38]
plot $slow @bars, "" @whiskers, "" @values

# ------------------------------------------------ 3. short: CPU per connection
eval panel("Short requests: CPU time per connection, server + children (lower is better)", nshort * row, 0)
c = 6
text(c) = sprintf("%.0f us", column(c))
set yrange [nshort - 0.5:-0.5]
set xrange [0:cpu_max * 1.38]
set xlabel "CPU time per connection (server and its children), us"
# The key of the floor lines goes under the x axis, where it hides no bar.
set key at screen 210 / W, 1 - (Y + 2) / H left top horizontal maxcols 2
Y = Y + key
set samples 2
# A floor this machine could not link (no static libc) has no line.
floor_title(link, v) = v == v ? sprintf("fork floor, %s: %.0f us", link, v) : ""
plot $short @bars, "" @whiskers, \
    [y = -0.5:nshort - 0.5] "+" using (floor_pie):(y) with lines lw 2 dt (6, 4) lc rgb "#d62728" \
        title floor_title("static PIE", floor_pie), \
    [y = -0.5:nshort - 0.5] "+" using (floor_c):(y) with lines lw 2 dt (2, 3) lc rgb "#8c1c13" \
        title floor_title("libc shared", floor_c), \
    $short @values

# ------------------------------------------------ 4. fork floors
eval panel("Fork floor: fork() + \\_exit() + waitpid(), by how the program is linked (lower is better)", nfloors * row, 0)
set yrange [nfloors - 0.5:-0.5]
set xrange [0:floor_max * 1.38]
set xlabel "CPU time per fork, us"
plot floors skip 1 using (0):0:(0):3:($0 - 0.36):($0 + 0.36):(strcol(1) eq "static-pie" ? 0xf28e2b : 0xbab0ac):ytic(2) \
        with boxxyerror lc rgb variable, \
    "" skip 1 using (whisker($3, $4, $5)):0:4:5 with xerrorbars pt -1 lc rgb "#222222", \
    "" skip 1 using (max($3, $5)):0:(sprintf("%.0f us, %d mappings", $3, $6)) with labels left offset 0.6, 0 boxed

# ------------------------------------------------ 5. crossover
eval panel("Think time against connections per second, ch01 and ch05 (log scale)", cross_height - 12, 12)
set yrange [*:*]
set xrange [-0.4:nthinks - 0.6]
set logscale y
set format y "%.0f"
set ytics scale 1
set grid ytics
set ylabel "connections per second" offset 1, 0
set key inside top right vertical width 0
set xlabel "think time, ms: each client holds its connection that long between the two halves of its message"
if (cross_x == cross_x) {
    set arrow 1 from cross_x, graph 0 to cross_x, graph 1 nohead lw 2 dt (6, 4) lc rgb "#d62728" front
    set label 11 sprintf("ch05 ahead from %.2f ms", cross + 0) at cross_x, graph 0.94 offset 0.6, 0 \
        textcolor rgb "#d62728" left
}
if (cross eq "below") {
    set label 11 "ch05 ahead at every think time" at graph 0.02, graph 0.94 textcolor rgb "#d62728" left
}
plot crossover skip 1 using 0:2:xtic(1) with linespoints lw 2 pt 7 ps 0.6 lc rgb color("ch01") title label("ch01"), \
    "" skip 1 using 0:3 with linespoints lw 2 pt 7 ps 0.6 lc rgb color("ch05") title label("ch05")
unset arrow 1
unset label 11
unset logscale y
unset ylabel
set format y "% h"
set ytics scale 0
set grid noytics
set xtics auto

# ------------------------------------------------ 6. memory per client
# Four bars a server: y = 4.5 for each server above, plus the bar's rank.
eval panel("Memory per client at 100 idle clients (lower is better)", (4.5 * nmemory - 0.5) * row, 0)
set yrange [4.5 * nmemory - 1:-0.5]
set xrange [0:memory_max * 1.38]
set xlabel "KiB per client"
measure(k, s) = k == 0 ? s . ": RSS, as ps shows" : k == 1 ? "USS, only its own" : k == 2 ? "page tables" : "kernel, all told"
plot for [k = 0:3] $memory using (0):(4.5 * $0 + k):(0):(column(2 + k)):(4.5 * $0 + k - 0.36):(4.5 * $0 + k + 0.36): \
        (color(name(1))):ytic(measure(k, name(1))) with boxxyerror lc rgb variable, \
    for [k = 0:3] $memory using (column(2 + k)):(4.5 * $0 + k):(sprintf("%.0f KiB", column(2 + k))) \
        with labels left offset 0.6, 0 boxed

unset multiplot
