/* minimal_fork_server: ch05's server in plain C, and nothing more: no
 * logging, no C++ runtime, no argument checks. make bench measures ch05
 * against it, to see what ch05's common/ code (its log lines, its helpers)
 * costs per connection on top of the fork itself.
 *
 *   minimal_fork_server [PORT [ADDRESS]]     (default 5051 127.0.0.1)
 *
 * Like ch05: fork per client; a SIGCHLD handler without SA_RESTART reaps
 * with waitpid(-1, ..., WNOHANG) in a loop; accept() retried on EINTR; the
 * child closes the listening socket, the parent the connected one. It
 * prints one line, "[PID] listening on ADDRESS:PORT", so that a script can
 * learn the port (0 lets the kernel choose). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void reap_children(int sig) {
    int saved_errno = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved_errno;
}

static void echo(int fd) {
    char buffer[4096];
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        for (char *at = buffer; got > 0;) {
            ssize_t put = send(fd, at, (size_t)got, MSG_NOSIGNAL);
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0)
                return;
            at += put;
            got -= put;
        }
    }
}

int main(int argc, char *argv[]) {
    struct sockaddr_in address = {0};
    socklen_t length = sizeof address;
    struct sigaction on_child_exit = {0};
    int on = 1;
    int listen_fd = socket(AF_INET, SOCK_STREAM, 0);

    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)(argc > 1 ? atoi(argv[1]) : 5051));
    if (inet_pton(AF_INET, argc > 2 ? argv[2] : "127.0.0.1", &address.sin_addr) != 1) {
        fputs("minimal_fork_server: bad address\n", stderr);
        return 2;
    }
    if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        bind(listen_fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(listen_fd, SOMAXCONN) < 0 ||
        getsockname(listen_fd, (struct sockaddr *)&address, &length) < 0) {
        perror("minimal_fork_server");
        return 1;
    }
    printf("[%ld] listening on %s:%d\n", (long)getpid(), argc > 2 ? argv[2] : "127.0.0.1", ntohs(address.sin_port));
    fflush(stdout);

    on_child_exit.sa_handler = reap_children;
    sigemptyset(&on_child_exit.sa_mask);
    on_child_exit.sa_flags = 0; /* no SA_RESTART, as in ch05 */
    sigaction(SIGCHLD, &on_child_exit, NULL);

    for (;;) {
        int conn_fd = accept(listen_fd, NULL, NULL);
        if (conn_fd < 0) {
            if (errno != EINTR) { /* EINTR: a SIGCHLD came, just call accept() again */
                struct timespec pause = {0, 100 * 1000 * 1000};
                perror("minimal_fork_server: accept");
                nanosleep(&pause, NULL);
            }
            continue;
        }
        pid_t pid = fork();
        if (pid < 0)
            perror("minimal_fork_server: fork");
        if (pid == 0) {
            close(listen_fd);
            echo(conn_fd);
            close(conn_fd);
            exit(0);
        }
        close(conn_fd);
    }
}
