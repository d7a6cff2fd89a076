/*
 * runq.c — the benchmark's timing driver: runs one SQL query repeatedly in
 * this process and reports wall times and the process's peak memory.
 *
 *   runq [-e EXT]... [-q SQL] [-r REPS] [-w WARMUP] [-p | -f] DB SQL
 *
 *   -e EXT   load this SQLite extension (entry point from the file name);
 *            repeatable
 *   -q SQL   run SQL once and bind its first value to the parameter :q
 *   -r REPS  timed repetitions (default 3); -w WARMUP untimed ones (default 1)
 *   -p       print every row of SQL (columns joined by '|') and exit
 *   -f       fetch every column of every row through the C API (its type,
 *            then its integer, text or blob) and report the row count: the
 *            cost of reading those columns row by row with a plain SELECT
 *
 * Output, one line:  result=V reps=R median_ms=M min_ms=M times_ms=a,b,c
 *                    cpu_ms=a,b,c maxrss_kb=K base_kb=K
 * where result is the first column of the last row, times_ms the wall
 * times, cpu_ms the user+system CPU time of the process (every thread) per
 * repetition, which other load on the machine disturbs less; maxrss_kb the peak
 * resident set of the process (getrusage ru_maxrss) and base_kb the peak
 * before the first run of SQL (libraries and extensions loaded).  One
 * process measures one query, so the peak belongs to that query.  On an SQL
 * error it prints "error=MESSAGE" and exits 3.  The database is opened
 * read-only.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_EXT 8

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long maxrss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Prints the error on one line (newlines flattened) and exits 3. */
static void fail(const char *msg) {
  printf("error=");
  for (const char *p = msg; *p; p++) putchar(*p == '\n' ? ' ' : *p);
  putchar('\n');
  exit(3);
}

/* With -f: reads every column of the current row as an extension would
 * (one value per column, then its content); returns a checksum. */
static unsigned long long fetch_row(sqlite3_stmt *st, int ncol) {
  unsigned long long sum = 0;
  for (int i = 0; i < ncol; i++) {
    sqlite3_value *v = sqlite3_column_value(st, i);
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: sum += (unsigned long long)sqlite3_value_int64(v); break;
    case SQLITE_FLOAT: sum += (unsigned long long)sqlite3_value_double(v); break;
    case SQLITE_TEXT: {
      const unsigned char *t = sqlite3_value_text(v);
      int n = sqlite3_value_bytes(v);
      sum += (unsigned long long)n + (n > 0 ? t[0] : 0);
      break;
    }
    case SQLITE_BLOB: {
      const unsigned char *b = sqlite3_value_blob(v);
      int n = sqlite3_value_bytes(v);
      sum += (unsigned long long)n + (n > 0 ? b[n - 1] : 0);
      break;
    }
    default: break;
    }
  }
  return sum;
}

/* Runs sql once; q (may be NULL) is bound to :q.  Keeps the first column of
 * the last row in result (or of every row printed, with print_rows; or the
 * row count, with fetch_all). */
static int fetch_all;
static volatile unsigned long long fetch_sink;
static void run_once(sqlite3 *db, const char *sql, sqlite3_value *q,
                     int print_rows, char *result, size_t result_size) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    fail(sqlite3_errmsg(db));
  int qi = sqlite3_bind_parameter_index(st, ":q");
  if (qi > 0) {
    if (q == NULL) fail("runq: the query uses :q; give -q SQL to bind it");
    sqlite3_bind_value(st, qi, q);
  }
  int rc;
  long long rows = 0;
  unsigned long long check = 0;
  result[0] = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int ncol = sqlite3_column_count(st);
    rows++;
    if (fetch_all) {
      check += fetch_row(st, ncol);
    } else if (print_rows) {
      for (int i = 0; i < ncol; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        printf("%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
      }
      putchar('\n');
    } else if (ncol > 0) {
      const unsigned char *t = sqlite3_column_text(st, 0);
      snprintf(result, result_size, "%s", t ? (const char *)t : "NULL");
    }
  }
  if (rc != SQLITE_DONE) fail(sqlite3_errmsg(db));
  if (fetch_all) {
    fetch_sink = check; /* keeps the reads */
    snprintf(result, result_size, "%lld", rows);
  }
  sqlite3_finalize(st);
}

int main(int argc, char **argv) {
  const char *exts[MAX_EXT];
  int next = 0, reps = 3, warmup = 1, print_rows = 0;
  const char *qsql = NULL;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *opt = argv[i];
    if (strcmp(opt, "-p") == 0) {
      print_rows = 1;
      continue;
    }
    if (strcmp(opt, "-f") == 0) {
      fetch_all = 1;
      continue;
    }
    if (i + 1 >= argc) break;
    const char *arg = argv[++i];
    if (strcmp(opt, "-e") == 0 && next < MAX_EXT)
      exts[next++] = arg;
    else if (strcmp(opt, "-q") == 0)
      qsql = arg;
    else if (strcmp(opt, "-r") == 0)
      reps = atoi(arg);
    else if (strcmp(opt, "-w") == 0)
      warmup = atoi(arg);
    else {
      fprintf(stderr, "runq: unknown option %s\n", opt);
      return 2;
    }
  }
  if (argc - i != 2 || reps < 1 || reps > 1000 || warmup < 0) {
    fprintf(stderr,
            "usage: runq [-e EXT]... [-q SQL] [-r REPS] [-w WARMUP] [-p | -f] DB SQL\n");
    return 2;
  }
  const char *path = argv[i], *sql = argv[i + 1];

  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    fail(sqlite3_errmsg(db));
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, NULL);
  for (int e = 0; e < next; e++) {
    char *err = NULL;
    if (sqlite3_load_extension(db, exts[e], NULL, &err) != SQLITE_OK)
      fail(err ? err : "runq: cannot load extension");
  }

  sqlite3_value *q = NULL;
  sqlite3_stmt *qst = NULL;
  if (qsql != NULL) {
    if (sqlite3_prepare_v2(db, qsql, -1, &qst, NULL) != SQLITE_OK ||
        sqlite3_step(qst) != SQLITE_ROW)
      fail(sqlite3_errmsg(db));
    q = sqlite3_value_dup(sqlite3_column_value(qst, 0));
    sqlite3_finalize(qst);
    if (q == NULL) fail("runq: out of memory");
  }

  char result[256];
  if (print_rows) {
    run_once(db, sql, q, 1, result, sizeof result);
    sqlite3_value_free(q);
    sqlite3_close(db);
    return 0;
  }

  long base = maxrss_kb();
  for (int w = 0; w < warmup; w++) run_once(db, sql, q, 0, result, sizeof result);
  double *times = malloc(sizeof(double) * (size_t)reps);
  double *cpu = malloc(sizeof(double) * (size_t)reps);
  if (times == NULL || cpu == NULL) fail("runq: out of memory");
  for (int r = 0; r < reps; r++) {
    double c0 = cpu_ms(), t0 = now_ms();
    run_once(db, sql, q, 0, result, sizeof result);
    times[r] = now_ms() - t0;
    cpu[r] = cpu_ms() - c0;
  }
  long peak = maxrss_kb();

  printf("result=%s reps=%d", result, reps);
  double *sorted = malloc(sizeof(double) * (size_t)reps);
  if (sorted == NULL) fail("runq: out of memory");
  memcpy(sorted, times, sizeof(double) * (size_t)reps);
  qsort(sorted, (size_t)reps, sizeof(double), cmp_double);
  double median = reps % 2 ? sorted[reps / 2]
                           : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
  printf(" median_ms=%.2f min_ms=%.2f times_ms=", median, sorted[0]);
  for (int r = 0; r < reps; r++) printf("%s%.2f", r ? "," : "", times[r]);
  printf(" cpu_ms=");
  for (int r = 0; r < reps; r++) printf("%s%.2f", r ? "," : "", cpu[r]);
  printf(" maxrss_kb=%ld base_kb=%ld\n", peak, base);
  free(times);
  free(cpu);
  free(sorted);
  sqlite3_value_free(q);
  sqlite3_close(db);
  return 0;
}
