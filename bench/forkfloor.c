/* forkfloor: what a bare fork() + _exit() + waitpid() costs, the floor under
 * any fork-per-client server's cost per connection.
 *
 *   forkfloor [-n MAX] [-d SECONDS] [-m MIB]
 *
 * Forks a child that exits at once and waits for it, again and again, until
 * MAX forks (default 100000) or SECONDS (default 1) have passed. Prints
 *   forks=917 seconds=1.000 wall_us=1090.6 cpu_us=1046.3 faults=12.0 maps=24
 * wall_us: elapsed time per fork; cpu_us: CPU time (user + system) of the
 * parent and its reaped children per fork, the measure make bench takes of
 * a server; faults: their minor page faults per fork; maps: the mappings of
 * this process (lines of /proc/self/maps), which fork() copies one by one.
 * With -m MIB it first allocates MIB mebibytes and writes to every page, as
 * a server holding a large cache would: fork() then copies the page table
 * entries of all those pages (and marks them copy-on-write), and the child's
 * exit frees them, so the cost per fork grows with the memory touched.
 *
 * It is plain C so that make bench can link the same code the ways a server
 * can be linked (bench/README.md): fork() costs what the address space it
 * copies costs, whatever the program does. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_seconds(long *faults) {
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    *faults = self.ru_minflt + children.ru_minflt;
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec + children.ru_stime.tv_sec) +
           (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec +
                    children.ru_stime.tv_usec) / 1e6;
}

static int mappings(void) {
    FILE *maps = fopen("/proc/self/maps", "r");
    int lines = 0, c;
    if (maps == NULL)
        return -1;
    while ((c = getc(maps)) != EOF)
        lines += c == '\n';
    fclose(maps);
    return lines;
}

int main(int argc, char *argv[]) {
    long max = 100000, forks = 0, faults_before, faults_after;
    double seconds = 1.0;
    long touch_mib = 0;
    int k;
    for (k = 1; k + 1 < argc; k += 2) {
        if (strcmp(argv[k], "-n") == 0)
            max = strtol(argv[k + 1], NULL, 10);
        else if (strcmp(argv[k], "-d") == 0)
            seconds = strtod(argv[k + 1], NULL);
        else if (strcmp(argv[k], "-m") == 0)
            touch_mib = strtol(argv[k + 1], NULL, 10);
        else
            max = 0;
    }
    if (argc % 2 == 0 || max < 1 || !(seconds > 0 && seconds <= 600) || touch_mib < 0 || touch_mib > 4096) {
        fputs("usage: forkfloor [-n MAX] [-d SECONDS] [-m MIB]\n", stderr);
        return 2;
    }

    if (touch_mib > 0) {
        /* volatile: the pages are never read, and must be written all the same */
        char *volatile touched = malloc((size_t)touch_mib << 20);
        if (touched == NULL) {
            perror("forkfloor: malloc");
            return 1;
        }
        memset(touched, 1, (size_t)touch_mib << 20);
    }
    const int maps = mappings();
    const double begin = now(), deadline = begin + seconds;
    const double cpu_before = cpu_seconds(&faults_before);
    while (forks < max && now() < deadline) {
        const pid_t pid = fork();
        int status = 0;
        if (pid < 0) {
            perror("forkfloor: fork");
            return 1;
        }
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, &status, 0) < 0) {
            perror("forkfloor: waitpid");
            return 1;
        }
        ++forks;
    }
    const double wall = now() - begin;
    const double cpu = cpu_seconds(&faults_after) - cpu_before;
    printf("forks=%ld seconds=%.3f wall_us=%.1f cpu_us=%.1f faults=%.1f maps=%d\n", forks, wall,
           wall / (double)forks * 1e6, cpu / (double)forks * 1e6, (double)(faults_after - faults_before) / (double)forks,
           maps);
    return 0;
}
