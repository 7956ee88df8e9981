# readme.awk: the table of make bench's answers in the top READMEs, from
# the ratio lines of bench/RESULTS.md (tests/docs.bats keeps them in step).
#   awk -f bench/readme.awk bench/RESULTS.md            (English)
#   awk -f bench/readme.awk -v lang=zh bench/RESULTS.md  (Chinese)

function r(label) {
    if (!(label in v)) {
        printf "readme.awk: no \"ratio: %s\" in bench/RESULTS.md\n", label > "/dev/stderr"
        bad = 1
        return "?"
    }
    return v[label]
}
function row(en, zh, value) {
    printf "| %s | %s |\n", lang == "zh" ? zh : en, value
}
/^make bench, / && date == "" {
    date = $3
}
sub(/^ratio: /, "") {
    n = split($0, f, ": ")
    v[f[1]] = f[n]
}
END {
    m = "memory per client at 100, "
    if (lang == "zh") {
        printf "| 问题 | 无其他负载的机器上的一次运行（%s，[bench/RESULTS.md](bench/RESULTS.md)） |\n|---|---|\n", date
    } else {
        printf "| question | a run on a quiet machine (%s, [bench/RESULTS.md](bench/RESULTS.md)) |\n|---|---|\n", date
    }
    row("one short message per connection: connections per second, ch01 / ch05",
        "每个连接只发一条短消息：每秒连接数，ch01 / ch05", r("conns/s, short, ch01 / ch05") "×")
    row("clients that think 50 ms: connections per second, ch05 / ch01",
        "客户端思考 50 毫秒：每秒连接数，ch05 / ch01", r("conns/s, slow, ch05 / ch01") "×")
    row("think time from which ch05 serves more connections than ch01",
        "从多长的思考时间起，ch05 每秒服务的连接比 ch01 多", r("crossover think time, ms") " ms")
    row("memory per idle client (100 connected), ch01: its process / the kernel",
        "每个空闲客户端的内存（已连接 100 个），ch01：进程自身 / 内核", r(m "ch01, USS KiB") " / " r(m "ch01, kernel KiB") " KiB")
    row("memory per idle client, ch05: what ps shows a child (RSS) / the child's own pages (USS) / its page tables / the kernel in all",
        "每个空闲客户端的内存，ch05：ps 显示的子进程内存（RSS）/ 子进程独占的页（USS）/ 子进程的页表 / 内核合计",
        r(m "ch05, RSS KiB") " / " r(m "ch05, USS KiB") " / " r(m "ch05, page tables KiB") " / " r(m "ch05, kernel KiB") " KiB")
    row("CPU per fork() + _exit() + waitpid(), linked as a static PIE (the chapters) / with libstdc++ shared, against gcc's usual link (libc shared, the minimal C server)",
        "每次 fork() + _exit() + waitpid() 的 CPU 时间：静态 PIE 链接（各章的做法）/ 动态链接 libstdc++，以 gcc 默认链接（动态链接 libc，最简 C 服务端）为基准",
        r("fork floor, static-pie / c-shared") "× / " r("fork floor, cxx-shared / c-shared") "×")
    row("ch05 against the minimal C fork server, short messages: connections per second / CPU per connection",
        "ch05 与最简 C 语言 fork 服务端相比，短消息：每秒连接数 / 每个连接的 CPU 时间",
        r("conns/s, short, ch05 / minimal") "× / " r("cpu per conn, short, ch05 / minimal") "×")
    row("the same, clients that think 50 ms",
        "同上，客户端思考 50 毫秒", r("conns/s, slow, ch05 / minimal") "× / " r("cpu per conn, slow, ch05 / minimal") "×")
    exit bad
}
