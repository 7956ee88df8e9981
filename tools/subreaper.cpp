// subreaper: runs a command so that none of its descendants can outlive the
// test that started it, and none is ever left a zombie.
//
// usage: subreaper [--keep-group] [--usage FILE] [--default-signals] COMMAND [ARG...]
//
// It marks itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): when the
// command dies, its orphaned children become this process's children instead
// of init's, and this process reaps them. (On some machines, these among
// them, PID 1 does not reap, so orphans of a killed server would stay zombies
// for good.) The command runs in a new process group of its own, whose id is
// the command's pid; its children inherit that group. SIGTERM, SIGINT or
// SIGHUP sends SIGKILL to that whole group. It exits once it has no child
// left, with the command's exit status (128 + N if signal N killed it).
//
// --keep-group (tests/run, around the whole suite): the command stays in the
// caller's process group, so Ctrl-C reaches it as usual; a stop signal is
// passed on to the command alone. Once the command has exited, descendants
// still running after 5 s are killed and the exit status is 125.
//
// --usage FILE (make bench): on its way out it writes to FILE the CPU time
// and minor page faults of every descendant it and they reaped, in
// microseconds, not the 10 ms ticks of /proc/PID/stat:
//   cpu_us=1234567 faults=8910
//
// --default-signals (tests/doctest): the command starts with every signal
// its caller ignored back at its default action, as in a reader's terminal
// (make, for one, starts its recipes with signals 32 and 33 ignored, which
// a README's SigIgn line would show). Those two are glibc's own, which its
// sigaction() refuses: the system call is made directly.

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t command_group = 0;
volatile sig_atomic_t command_pid = 0;
volatile sig_atomic_t keep_group = 0;
volatile sig_atomic_t stopping = 0;

void on_stop(int signal_number) {
    const int saved_errno = errno;
    if (keep_group != 0) {
        if (command_pid > 0)
            kill(command_pid, signal_number);
    } else {
        stopping = 1;
        if (command_group > 0)
            kill(-command_group, SIGKILL);
    }
    errno = saved_errno;
}

void on_alarm(int) {}

// Kills every process that is still a child of this one; returns how many.
int kill_children() {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", static_cast<long>(getpid()),
                  static_cast<long>(getpid()));
    FILE* file = std::fopen(path, "r");
    if (file == nullptr)
        return 0;
    int killed = 0;
    long pid = 0;
    while (std::fscanf(file, "%ld", &pid) == 1)
        if (kill(static_cast<pid_t>(pid), SIGKILL) == 0)
            ++killed;
    std::fclose(file);
    return killed;
}

// Writes "cpu_us=N faults=N" of the reaped descendants to path.
bool write_usage(const char* path) {
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    const long cpu_us = (children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1000000L + children.ru_utime.tv_usec +
                        children.ru_stime.tv_usec;
    FILE* file = std::fopen(path, "w");
    if (file == nullptr)
        return false;
    std::fprintf(file, "cpu_us=%ld faults=%ld\n", cpu_us, children.ru_minflt);
    return std::fclose(file) == 0;
}

// Sets every ignored signal back to its default action. The kernel's struct
// sigaction starts with the handler (0 for SIG_DFL, 1 for SIG_IGN), then
// the flags, the restorer and the mask: four words, all zero to ask for the
// default.
void reset_ignored_signals() {
    constexpr unsigned long ignored = 1;
    for (int signal_number = 1; signal_number <= 64; ++signal_number) {
        std::array<unsigned long, 4> current{};
        if (syscall(SYS_rt_sigaction, signal_number, nullptr, current.data(), sizeof(uint64_t)) != 0)
            continue;
        if (current[0] != ignored)
            continue;
        const std::array<unsigned long, 4> to_default{};
        syscall(SYS_rt_sigaction, signal_number, to_default.data(), nullptr, sizeof(uint64_t));
    }
}

}  // namespace

int main(int argc, char* argv[]) {
    const char* usage_file = nullptr;
    bool default_signals = false;
    for (;;) {
        if (argc > 1 && std::strcmp(argv[1], "--keep-group") == 0) {
            keep_group = 1;
            --argc;
            ++argv;
        } else if (argc > 1 && std::strcmp(argv[1], "--default-signals") == 0) {
            default_signals = true;
            --argc;
            ++argv;
        } else if (argc > 2 && std::strcmp(argv[1], "--usage") == 0) {
            usage_file = argv[2];
            argc -= 2;
            argv += 2;
        } else {
            break;
        }
    }
    if (argc < 2 || argv[1][0] == '-') {
        std::fputs("usage: subreaper [--keep-group] [--usage FILE] [--default-signals] COMMAND [ARG...]\n", stderr);
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        std::fprintf(stderr, "subreaper: prctl PR_SET_CHILD_SUBREAPER: %s\n", std::strerror(errno));
        return 1;
    }
    if (keep_group == 0)
        setpgid(0, 0);

    sigset_t stop_signals, before;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop_signals, &before);

    const pid_t command = fork();
    if (command < 0) {
        std::fprintf(stderr, "subreaper: fork: %s\n", std::strerror(errno));
        return 1;
    }
    if (command == 0) {
        if (keep_group == 0)
            setpgid(0, 0);
        sigprocmask(SIG_SETMASK, &before, nullptr);
        if (default_signals)
            reset_ignored_signals();
        execvp(argv[1], argv + 1);
        std::fprintf(stderr, "subreaper: %s: %s\n", argv[1], std::strerror(errno));
        _exit(127);
    }
    command_pid = command;
    if (keep_group == 0) {
        setpgid(command, command);
        command_group = command;
    }

    struct sigaction action{};
    action.sa_handler = on_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    struct sigaction alarm_action{};
    alarm_action.sa_handler = on_alarm;
    sigemptyset(&alarm_action.sa_mask);
    sigaction(SIGALRM, &alarm_action, nullptr);
    sigprocmask(SIG_SETMASK, &before, nullptr);

    int exit_code = 0;
    bool command_done = false;
    bool killed_leftovers = false;
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno != EINTR)
                break;  // ECHILD: every descendant has been reaped
            if (keep_group != 0 && command_done && !killed_leftovers) {
                // The alarm: descendants outlived the command by 5 s.
                const int killed = kill_children();
                std::fprintf(stderr, "subreaper: killed %d process(es) left behind by %s\n", killed, argv[1]);
                killed_leftovers = true;
            }
            continue;
        }
        if (pid == command) {
            exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            command_done = true;
            if (keep_group != 0)
                alarm(5);
        }
        if (stopping)
            kill(-command, SIGKILL);
    }
    if (usage_file != nullptr && !write_usage(usage_file))
        std::fprintf(stderr, "subreaper: %s: %s\n", usage_file, std::strerror(errno));
    return killed_leftovers ? 125 : exit_code;
}
