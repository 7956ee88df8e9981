// subreaper: runs a command so that none of its descendants can outlive the
// test that started it, and none is ever left a zombie.
//
// usage: subreaper COMMAND [ARG...]
//
// It marks itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): when the
// command dies, its orphaned children become this process's children instead
// of init's, and this process reaps them. (On some machines, these among
// them, PID 1 does not reap, so orphans of a killed server would stay zombies
// for good.) The command runs in a new process group of its own, whose id is
// the command's pid; its children inherit that group. SIGTERM, SIGINT or
// SIGHUP sends SIGKILL to that whole group. It exits once it has no child
// left, with the command's exit status (128 + N if signal N killed it).

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t command_group = 0;
volatile sig_atomic_t stopping = 0;

void on_stop(int) {
    const int saved_errno = errno;
    stopping = 1;
    if (command_group > 0)
        kill(-command_group, SIGKILL);
    errno = saved_errno;
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc < 2) {
        std::fputs("usage: subreaper COMMAND [ARG...]\n", stderr);
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        std::fprintf(stderr, "subreaper: prctl PR_SET_CHILD_SUBREAPER: %s\n", std::strerror(errno));
        return 1;
    }
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
        setpgid(0, 0);
        sigprocmask(SIG_SETMASK, &before, nullptr);
        execvp(argv[1], argv + 1);
        std::fprintf(stderr, "subreaper: %s: %s\n", argv[1], std::strerror(errno));
        _exit(127);
    }
    setpgid(command, command);
    command_group = command;

    struct sigaction action{};
    action.sa_handler = on_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    sigprocmask(SIG_SETMASK, &before, nullptr);

    int exit_code = 0;
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;  // ECHILD: every descendant has been reaped
        }
        if (pid == command)
            exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (stopping)
            kill(-command, SIGKILL);
    }
    return exit_code;
}
