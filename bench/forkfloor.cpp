// forkfloor: what a bare fork() + _exit() + waitpid() costs on this machine,
// the floor under any fork-per-client server's cost per connection.
//
//   forkfloor [-n MAX] [-d SECONDS]
//
// Forks a child that exits at once and waits for it, again and again, until
// MAX forks (default 100000) or SECONDS (default 1) have passed. Prints
//   forks=917 seconds=1.000 wall_us=1090.6 cpu_us=1046.3 faults=12.0
// wall_us: elapsed time per fork+exit+waitpid; cpu_us: CPU time (user +
// system) per fork of the parent and its reaped children together, the same
// measure make bench takes of a server and its children; faults: their minor
// page faults per fork.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Usage {
    double cpu;
    long faults;
};

Usage usage() {
    rusage self{};
    rusage children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime),
            self.ru_minflt + children.ru_minflt};
}

}  // namespace

int main(int argc, char* argv[]) {
    long max = 100000;
    double seconds = 1.0;
    for (int k = 1; k + 1 < argc; k += 2) {
        if (std::strcmp(argv[k], "-n") == 0)
            max = std::strtol(argv[k + 1], nullptr, 10);
        else if (std::strcmp(argv[k], "-d") == 0)
            seconds = std::strtod(argv[k + 1], nullptr);
    }
    if (argc % 2 == 0 || max < 1 || seconds <= 0 || seconds > 600) {
        std::fputs("usage: forkfloor [-n MAX] [-d SECONDS]\n", stderr);
        return 2;
    }

    using Clock = std::chrono::steady_clock;
    const auto begin = Clock::now();
    const auto deadline = begin + std::chrono::duration<double>(seconds);
    const Usage before = usage();
    long forks = 0;
    while (forks < max && Clock::now() < deadline) {
        const pid_t pid = fork();
        if (pid < 0) {
            std::perror("forkfloor: fork");
            return 1;
        }
        if (pid == 0)
            _exit(0);
        int status = 0;
        if (waitpid(pid, &status, 0) < 0) {
            std::perror("forkfloor: waitpid");
            return 1;
        }
        ++forks;
    }
    const double wall = std::chrono::duration<double>(Clock::now() - begin).count();
    const Usage after = usage();
    const double n = static_cast<double>(forks);
    std::printf("forks=%ld seconds=%.3f wall_us=%.1f cpu_us=%.1f faults=%.1f\n", forks, wall, wall / n * 1e6,
                (after.cpu - before.cpu) / n * 1e6, static_cast<double>(after.faults - before.faults) / n);
    return 0;
}
