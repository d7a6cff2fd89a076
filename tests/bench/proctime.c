/*
 * proctime.c — times one command as a whole process, the way a user runs
 * it: fork, exec, wait.  The benchmark's whole-process rows use it.
 *
 *   proctime COMMAND [ARG]...
 *
 * The command's standard output is kept and its last line is echoed as
 * "out=LINE" (the benchmark checks the result); then one line:
 *   wall_ms=W cpu_ms=C maxrss_kb=K status=S
 * wall_ms from just before fork to the end of wait4 (loading the program,
 * its libraries and extensions included), cpu_ms the user+system time of
 * every thread of the command (wait4's rusage), maxrss_kb its peak resident
 * set, status its exit status (or 128 + the signal that ended it).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: proctime COMMAND [ARG]...\n");
    return 2;
  }
  int fd[2];
  if (pipe(fd) != 0) {
    perror("proctime: pipe");
    return 1;
  }
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid < 0) {
    perror("proctime: fork");
    return 1;
  }
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execvp(argv[1], argv + 1);
    perror("proctime: exec");
    _exit(127);
  }
  close(fd[1]);
  /* Keep the last line the command printed (lines up to 4 KiB). */
  char last[4096] = "", line[4096];
  size_t len = 0;
  char buf[4096];
  ssize_t got;
  while ((got = read(fd[0], buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < got; i++) {
      if (buf[i] == '\n') {
        line[len] = '\0';
        if (len > 0) memcpy(last, line, len + 1);
        len = 0;
      } else if (len + 1 < sizeof line) {
        line[len++] = buf[i];
      }
    }
  }
  if (len > 0) {
    line[len] = '\0';
    memcpy(last, line, len + 1);
  }
  close(fd[0]);
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("proctime: wait4");
    return 1;
  }
  double wall = now_ms() - t0;
  double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  int code = WIFEXITED(status) ? WEXITSTATUS(status)
             : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
  printf("out=%s\n", last);
  printf("wall_ms=%.2f cpu_ms=%.2f maxrss_kb=%ld status=%d\n", wall, cpu,
         ru.ru_maxrss, code);
  return 0;
}
