// lanes: draws a server's run from its strace output, one lane per process.
//
// usage: lanes [--mermaid] [--until SECONDS] [--title TEXT] TRACE
//
// TRACE is what `strace -f -ttt -q -o TRACE` wrote for a server (scripts/trace
// says which calls and signals): its first process is the parent, each
// process it forks a child, numbered in the order of the forks. Printed is
// one row per event that matters to the chapters (a connection accepted, a
// fork, a descriptor of a connection or of the listening socket closed, a
// client leaving, an exit, a signal delivered, a child reaped and how long
// it was a zombie, a call interrupted with EINTR), under a column per process:
//   *  the process the row is about    +  the child just forked
//   |  running    :  stopped    z  a zombie (exited, not yet reaped)
//   x  the child reaped on this row
// Children beyond the sixth share the last column, and their rows name them.
// --mermaid prints the same events as a Mermaid sequenceDiagram instead,
// without times, without pids but in its participants, and with the rows
// of the children between two of the parent's put child by child (they ran
// side by side), so that two runs of one experiment give the same diagram.
// --until SECONDS (the time strace
// prints, seconds since the epoch) ignores what came after: the clean-up.
// Exit 1 if TRACE cannot be read, 2 on bad arguments.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr int max_lanes = 7;  // the parent and 6 children: 80 columns, texts of 46

struct Event {
    double time;
    long pid;              // the process the row is about
    long other = 0;        // a child forked or reaped on this row, if any
    std::string text;      // for the terminal
    std::string note;      // for Mermaid, the same without pids or times
    bool message = false;  // Mermaid: an arrow from pid to other, not a note
};

struct Process {
    int number = 0;       // 0 the parent, 1... the children in fork order
    double exited = -1;   // when it exited, if it did
    bool reaped = false;  // reaped by its parent, or freed by the kernel
    bool stopped = false;
};

struct Reader {
    std::map<long, std::string> unfinished;   // pid -> the call's start
    std::map<long, std::string> interrupted;  // pid -> the call a signal cut short
    std::map<long, Process> processes;
    std::vector<long> order;  // pids by lane
    std::vector<Event> events;
    std::set<int> connections;  // descriptors accept() returned
    int listening = -1;
    long parent = 0;
    bool sigchld_ignored = false;
    double start = -1;
};

std::string child_name(const Reader& r, long pid) {
    auto it = r.processes.find(pid);
    if (it == r.processes.end())
        return "process " + std::to_string(pid);
    if (it->second.number == 0)
        return "the parent";
    return "child " + std::to_string(it->second.number);
}

void add_process(Reader& r, long pid) {
    if (r.processes.contains(pid))
        return;
    Process p;
    p.number = static_cast<int>(r.order.size());
    r.processes[pid] = p;
    r.order.push_back(pid);
}

// The first argument of a call, "accept(3, ..." -> 3, or -1.
int first_int(const std::string& args) {
    return std::atoi(args.c_str());
}

std::string fd_what(const Reader& r, int fd) {
    if (fd == r.listening)
        return "the listening socket";
    return "a connection";
}

void add(Reader& r, double t, long pid, std::string text, std::string note, long other = 0, bool message = false) {
    r.events.push_back(Event{t, pid, other, std::move(text), std::move(note), message});
}

// signal_name "--- SIGCHLD {si_signo=..." -> "SIGCHLD".
std::string word_after(const std::string& s, std::size_t at) {
    std::size_t end = at;
    while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_'))
        ++end;
    return s.substr(at, end - at);
}

long field(const std::string& s, const char* key) {
    auto at = s.find(key);
    if (at == std::string::npos)
        return 0;
    return std::atol(s.c_str() + at + std::strlen(key));
}

void on_signal(Reader& r, double t, long pid, const std::string& rest) {
    if (rest.rfind("--- stopped by ", 0) == 0) {
        r.processes[pid].stopped = true;
        add(r, t, pid, "stopped (" + word_after(rest, 15) + "): held", "stopped (" + word_after(rest, 15) + ")");
        return;
    }
    const std::string sig = word_after(rest, 4);
    if (sig == "SIGSTOP")
        return;  // the row "stopped" says it
    if (sig == "SIGCONT") {
        r.processes[pid].stopped = false;
        add(r, t, pid, "SIGCONT: continued", "SIGCONT, continued");
        return;
    }
    if (sig == "SIGCHLD") {
        const long from = field(rest, "si_pid=");
        std::string how = "exited";
        if (rest.find("CLD_KILLED") != std::string::npos || rest.find("CLD_DUMPED") != std::string::npos)
            how = "killed";
        if (rest.find("CLD_STOPPED") != std::string::npos)
            how = "stopped";
        if (rest.find("CLD_CONTINUED") != std::string::npos)
            how = "continued";
        add(r, t, pid, "SIGCHLD (" + child_name(r, from) + " " + how + ")", "SIGCHLD");
        return;
    }
    add(r, t, pid, sig + " delivered", sig + " delivered");
}

void on_exit(Reader& r, double t, long pid, const std::string& rest) {
    Process& p = r.processes[pid];
    p.exited = t;
    std::string how = rest.rfind("+++ exited with ", 0) == 0
                          ? "exited, status " + std::to_string(std::atoi(rest.c_str() + 16))
                          : "killed by " + word_after(rest, 14);
    if (pid != r.parent && r.sigchld_ignored) {
        p.reaped = true;
        add(r, t, pid, how + ", freed at once", how + ", freed at once (SIGCHLD ignored)");
        return;
    }
    add(r, t, pid, how, how);
}

void on_call(Reader& r, double t, long pid, const std::string& name, const std::string& args, const std::string& ret) {
    const long value = std::atol(ret.c_str());
    const bool restart = ret.find("ERESTART") != std::string::npos;
    if (restart) {
        r.interrupted[pid] = name;
        return;
    }
    if (name == "accept" || name == "accept4") {
        if (r.listening < 0)
            r.listening = first_int(args);
        if (value >= 0) {
            r.connections.insert(static_cast<int>(value));
            add(r, t, pid, name + "() = " + std::to_string(value) + ": a connection",
                name + "() = " + std::to_string(value) + ", a connection");
        } else {
            add(r, t, pid, name + "() = " + ret, name + "() = " + ret);
        }
    } else if (name == "clone" || name == "clone3" || name == "fork" || name == "vfork") {
        if (value <= 0 || args.find("CLONE_THREAD") != std::string::npos)
            return;
        add_process(r, value);
        add(r, t, pid, "fork() = " + std::to_string(value) + ": " + child_name(r, value), "fork()", value, true);
    } else if (name == "close") {
        const int fd = first_int(args);
        if (value != 0 || (fd != r.listening && !r.connections.contains(fd)))
            return;
        add(r, t, pid, "close(" + std::to_string(fd) + "): " + fd_what(r, fd),
            "close(" + std::to_string(fd) + "), " + fd_what(r, fd));
    } else if (name == "read") {
        if (value != 0 || !r.connections.contains(first_int(args)))
            return;
        add(r, t, pid, "read() = 0: the client left", "read() = 0, the client left");
    } else if (name == "wait4") {
        if (value > 0) {
            Process& child = r.processes[value];
            child.reaped = true;
            char zombie[64] = "";
            if (child.exited >= 0)
                std::snprintf(zombie, sizeof zombie, ", a zombie %.1f ms", 1000 * (t - child.exited));
            add(r, t, pid, "waitpid() = " + std::to_string(value) + ": " + child_name(r, value) + zombie,
                "waitpid() reaps it", value, true);
        } else if (value == 0) {
            add(r, t, pid, "waitpid() = 0: no other child has exited", "waitpid() = 0");
        } else {
            const std::string error = word_after(ret, ret.find(' ') + 1);
            add(r, t, pid, "waitpid() = -1 " + error, "waitpid() = -1 " + error);
        }
    } else if (name == "rt_sigaction") {
        const std::string sig = word_after(args, 0);
        if (sig != "SIGCHLD" && sig != "SIGTERM" && sig != "SIGINT")
            return;
        const auto at = args.find("sa_handler=");
        if (at == std::string::npos)
            return;  // a look at the old action only
        std::string handler = word_after(args, at + 11);
        if (handler.rfind("0x", 0) == 0)
            handler = "a handler";
        if (sig == "SIGCHLD" && pid == r.parent)
            r.sigchld_ignored = handler == "SIG_IGN";
        std::string flags = handler == "a handler"
                                ? (args.find("SA_RESTART") != std::string::npos ? ", SA_RESTART" : ", no SA_RESTART")
                                : "";
        add(r, t, pid, "sigaction(" + sig + "): " + handler + flags, "sigaction(" + sig + ") " + handler + flags);
    } else if (name == "rt_sigreturn") {
        auto it = r.interrupted.find(pid);
        if (it == r.interrupted.end())
            return;
        const std::string call = it->second == "pselect6" ? "pselect" : it->second;
        r.interrupted.erase(it);
        if (ret.find("EINTR") != std::string::npos)
            add(r, t, pid, call + "() = -1 EINTR", call + "() = -1 EINTR");
        else
            add(r, t, pid, call + "() restarted (SA_RESTART)", call + "() restarted (SA_RESTART)");
    } else if (name == "kill") {
        const long target = std::atol(args.c_str());
        const std::string sig = word_after(args, args.find(", ") + 2);
        add(r, t, pid, "kill(" + std::to_string(target) + ", " + sig + "): " + child_name(r, target),
            "kill(" + sig + ")", target, true);
    } else if (name == "exit_group") {
        // the exit itself is the "+++ exited" line
    }
}

// One line of strace -f -ttt: "PID SECONDS.MICROS REST".
void read_line(Reader& r, const std::string& line, double until) {
    char* end = nullptr;
    const long pid = std::strtol(line.c_str(), &end, 10);
    if (end == line.c_str() || *end != ' ')
        return;
    const double t = std::strtod(end + 1, &end);
    if (*end != ' ')
        return;
    if (until > 0 && t > until)
        return;
    std::string rest = end + 1;
    if (r.start < 0) {
        r.start = t;
        r.parent = pid;
        add_process(r, pid);
    }
    if (!r.processes.contains(pid))
        add_process(r, pid);
    if (rest.rfind("--- ", 0) == 0)
        return on_signal(r, t, pid, rest);
    if (rest.rfind("+++ ", 0) == 0)
        return on_exit(r, t, pid, rest);
    const std::string unfinished = " <unfinished ...>";
    if (rest.size() >= unfinished.size() &&
        rest.compare(rest.size() - unfinished.size(), unfinished.size(), unfinished) == 0) {
        r.unfinished[pid] = rest.substr(0, rest.size() - unfinished.size());
        return;
    }
    if (rest.rfind("<... ", 0) == 0) {
        const auto at = rest.find(" resumed>");
        if (at == std::string::npos)
            return;
        rest = r.unfinished[pid] + rest.substr(at + 9);
        r.unfinished.erase(pid);
    }
    // "close(6)        = 0": strace pads the call to a column before " = ".
    const auto open = rest.find('(');
    const auto equals = rest.rfind(" = ");
    if (open == std::string::npos || equals == std::string::npos || equals < open)
        return;
    auto close = rest.find_last_not_of(' ', equals);
    if (close == std::string::npos || rest[close] != ')' || close < open)
        return;
    on_call(r, t, pid, rest.substr(0, open), rest.substr(open + 1, close - open - 1), rest.substr(equals + 3));
}

// lane_label K: the column's head; the last one reads "6+" when it is shared.
std::string lane_label(const Reader& r, int k) {
    if (k == 0)
        return "P";
    if (k == max_lanes - 1 && r.order.size() > max_lanes)
        return std::to_string(k) + "+";
    return std::to_string(k);
}

int lane_of(const Reader& r, long pid) {
    const int n = r.processes.at(pid).number;
    return n < max_lanes - 1 ? n : max_lanes - 1;
}

void print_lanes(Reader& r, const std::string& title) {
    if (!title.empty())
        std::printf("%s\n", title.c_str());
    // A server that never forks (ch01) is one process: "the server".
    std::printf("P = the %s, %ld", r.order.size() > 1 ? "parent" : "server", r.parent);
    for (std::size_t k = 1; k < r.order.size(); ++k)
        std::printf("%s%zu = %ld", k % 5 == 1 ? "\n    " : ", ", k, r.order[k]);
    std::printf("\n\n");
    const int lanes = static_cast<int>(r.order.size() < max_lanes ? r.order.size() : max_lanes);
    std::printf("  time ");
    for (int k = 0; k < lanes; ++k)
        std::printf(" %2s", lane_label(r, k).c_str());
    std::printf("\n");
    // What each lane shows between rows: running, stopped or a zombie; a
    // process not yet forked, or reaped, has no mark.
    std::map<long, char> shown{{r.parent, '|'}};
    for (const Event& e : r.events) {
        std::string cells(static_cast<std::size_t>(lanes), ' ');
        for (const auto& [pid, mark] : shown)
            cells[static_cast<std::size_t>(lane_of(r, pid))] = mark;
        const bool fork = e.message && e.text.rfind("fork", 0) == 0;
        const bool reap = e.message && e.text.rfind("waitpid", 0) == 0;
        if (fork)
            shown[e.other] = '|';
        cells[static_cast<std::size_t>(lane_of(r, e.pid))] = '*';
        if (fork)
            cells[static_cast<std::size_t>(lane_of(r, e.other))] = '+';
        if (reap) {
            cells[static_cast<std::size_t>(lane_of(r, e.other))] = 'x';
            shown.erase(e.other);
        }
        std::printf("%6.3f ", e.time - r.start);
        for (int k = 0; k < lanes; ++k)
            std::printf("  %c", cells[static_cast<std::size_t>(k)]);
        const int who = r.processes.at(e.pid).number;
        const std::string label = who == 0 ? "P" : std::to_string(who);
        std::printf("  %s %s\n", label.c_str(), e.text.c_str());
        // The lane after this row.
        if (e.text.rfind("stopped", 0) == 0)
            shown[e.pid] = ':';
        else if (e.text.rfind("SIGCONT", 0) == 0)
            shown[e.pid] = '|';
        else if (e.text.rfind("exited", 0) == 0 || e.text.rfind("killed by", 0) == 0) {
            if (e.pid == r.parent || e.text.find("freed at once") != std::string::npos)
                shown.erase(e.pid);
            else
                shown[e.pid] = 'z';
        }
    }
    // Children exited and never reaped: zombies to the end.
    const double end = r.events.empty() ? r.start : r.events.back().time;
    for (const long pid : r.order) {
        const Process& p = r.processes[pid];
        if (pid == r.parent || p.exited < 0 || p.reaped)
            continue;
        std::printf("%6.3f %*s  %d <defunct>: a zombie %.3f s, never reaped\n", end - r.start, 3 * lanes, "", p.number,
                    end - p.exited);
    }
    std::printf("\n* the process of the row  + forked  | running  : stopped  z a zombie  x reaped\n");
}

void print_mermaid(Reader& r) {
    std::printf("sequenceDiagram\n");
    for (const long pid : r.order) {
        const int n = r.processes[pid].number;
        if (n == 0)
            std::printf("    participant P as %s %ld\n", r.order.size() > 1 ? "parent" : "server", pid);
        else
            std::printf("    participant C%d as child %d, %ld\n", n, n, pid);
    }
    auto name = [&](long pid) {
        const int n = r.processes.at(pid).number;
        return n == 0 ? std::string("P") : "C" + std::to_string(n);
    };
    // Between two rows of the parent, the children's rows go child by child:
    // they ran side by side, and their order would differ from run to run.
    std::vector<Event> events = r.events;
    for (std::size_t from = 0; from < events.size();) {
        std::size_t to = from;
        while (to < events.size() && events[to].pid != r.parent)
            ++to;
        std::stable_sort(events.begin() + static_cast<long>(from), events.begin() + static_cast<long>(to),
                         [&](const Event& a, const Event& b) {
                             return r.processes.at(a.pid).number < r.processes.at(b.pid).number;
                         });
        from = to + 1;
    }
    for (const Event& e : events) {
        if (e.message && r.processes.contains(e.other))
            std::printf("    %s->>%s: %s\n", name(e.pid).c_str(), name(e.other).c_str(), e.note.c_str());
        else
            std::printf("    Note over %s: %s\n", name(e.pid).c_str(), e.note.c_str());
    }
    for (const long pid : r.order) {
        const Process& p = r.processes[pid];
        if (pid != r.parent && p.exited >= 0 && !p.reaped)
            std::printf("    Note over %s: defunct, never reaped\n", name(pid).c_str());
    }
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: lanes [--mermaid] [--until SECONDS] [--title TEXT] TRACE\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char* argv[]) {
    bool mermaid = false;
    double until = 0;
    std::string title, path;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        if (arg == "--mermaid") {
            mermaid = true;
        } else if (arg == "--until" && k + 1 < argc) {
            char* end = nullptr;
            until = std::strtod(argv[++k], &end);
            if (*end != '\0' || until <= 0)
                usage();
        } else if (arg == "--title" && k + 1 < argc) {
            title = argv[++k];
        } else if (arg == "--help") {
            std::printf("usage: lanes [--mermaid] [--until SECONDS] [--title TEXT] TRACE\n");
            return 0;
        } else if (path.empty() && !arg.empty() && arg[0] != '-') {
            path = arg;
        } else {
            usage();
        }
    }
    if (path.empty())
        usage();
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "lanes: open %s: %s\n", path.c_str(), std::strerror(errno));
        return 1;
    }
    Reader r;
    std::string line;
    while (std::getline(in, line))
        read_line(r, line, until);
    if (mermaid)
        print_mermaid(r);
    else
        print_lanes(r, title);
}
