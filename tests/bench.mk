# bench.mk — `make bench`: the performance benchmark and its targets (code in
# tests/bench/).  Included by the Makefile.  Not a test: it prints medians,
# ratios and peak memory, and exits 0 whatever the timings are.
#
#   make bench                               200,000 examples x 384 dims
#   make bench BENCH_N=1000000 BENCH_DIM=768 another pool size
#   make bench BENCH_CORETYPES="unset Prescott"   also compare OpenBLAS cores
#   BENCH_REPS, BENCH_ROUNDS: repetitions per process and rounds (default 3, 3);
#   BENCH_PAIRS: whole-process pairs per row and round (default 3);
#   BENCH_SELECT_N: the selection size n (default 1000)
#   BENCH_SWEEP_ROUNDS: rounds of the sweep row (default: every round when
#     safety_sweep exists, else 1, since 120 single calls take about a minute)
#
# The synthetic pool is generated once into $(BUILD)/bench/pool-N-DIM.db and
# reused; pool-N-DIM-plain.db holds the same data as one plain table (the
# whole-process rows run on both).  bench-deps installs python3-numpy (apt)
# and sqlite-vec (npm, into $(BUILD)/bench/npm); a missing sqlite-vec only
# skips its row.

BENCH_N         ?= 200000
BENCH_DIM       ?= 384
BENCH_REPS      ?= 3
BENCH_ROUNDS    ?= 3
BENCH_CORETYPES ?=
BENCH_SELECT_N  ?= 1000
BENCH_PAIRS     ?= 3
BENCH_SWEEP_ROUNDS ?=
BENCH_DIR       := $(BUILD)/bench
BENCH_DB        := $(BENCH_DIR)/pool-$(BENCH_N)-$(BENCH_DIM).db
BENCH_PLAIN_DB  := $(BENCH_DIR)/pool-$(BENCH_N)-$(BENCH_DIM)-plain.db
BENCH_VEC_PKG   := sqlite-vec-linux-x64@0.1.9
BENCH_VEC0      := $(BENCH_DIR)/npm/node_modules/sqlite-vec-linux-x64/vec0.so
BENCH_CFLAGS    := -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -O2 -g

.PHONY: bench-deps bench-pool

$(BENCH_DIR): | deps
	mkdir -p $@

$(BENCH_DIR)/gen_pool: tests/bench/gen_pool.c | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lsqlite3 -lm

$(BENCH_DIR)/runq: tests/bench/runq.c | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lsqlite3

$(BENCH_DIR)/proctime: tests/bench/proctime.c | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# Written to a temporary name and renamed, so an interrupted run leaves no
# half-written cache behind.
$(BENCH_DIR)/pool-%.db: $(BENCH_DIR)/gen_pool sql/schema.sql
	$(BENCH_DIR)/gen_pool $@ $(word 1,$(subst -, ,$*)) $(word 2,$(subst -, ,$*)) sql/schema.sql

# The plain-table copy (the same rows, one table; GNU make prefers this
# rule's shorter stem to pool-%.db's).
$(BENCH_DIR)/pool-%-plain.db: $(BENCH_DIR)/pool-%.db tests/bench/plain_pool.sql
	rm -f $@.tmp
	sqlite3 $@.tmp -cmd "ATTACH '$<' AS src" < tests/bench/plain_pool.sql >/dev/null
	mv $@.tmp $@

bench-pool: $(BENCH_DB) $(BENCH_PLAIN_DB)

# python3-numpy from Debian (sudo when not root; nothing when present) and
# sqlite-vec's vec0.so from npm (skipped with a message when unavailable).
bench-deps: | $(BENCH_DIR)
	@dpkg-query -W -f='$${Status}' python3-numpy 2>/dev/null | grep -q 'ok installed' || { \
	  echo "bench-deps: installing python3-numpy"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-numpy >/dev/null \
	    || echo "bench-deps: python3-numpy could not be installed; the numpy row will be skipped"; }
	@[ -f $(BENCH_VEC0) ] || { \
	  if command -v npm >/dev/null 2>&1; then \
	    echo "bench-deps: npm install $(BENCH_VEC_PKG)"; \
	    npm install --silent --no-audit --no-fund --prefix $(BENCH_DIR)/npm $(BENCH_VEC_PKG) >/dev/null 2>&1 \
	      || echo "bench-deps: npm install $(BENCH_VEC_PKG) failed; the sqlite-vec row will be skipped"; \
	  else echo "bench-deps: npm not found; the sqlite-vec row will be skipped"; fi; }

bench: all bench-deps $(BENCH_DIR)/runq $(BENCH_DIR)/proctime $(BENCH_DB) $(BENCH_PLAIN_DB)
	@BUILD=$(BUILD) EXT=$(BUILD)/safety_sample BENCH_DB=$(BENCH_DB) BENCH_PLAIN_DB=$(BENCH_PLAIN_DB) \
	  BENCH_RUNQ=$(BENCH_DIR)/runq BENCH_PROCTIME=$(BENCH_DIR)/proctime BENCH_VEC0=$(BENCH_VEC0) \
	  BENCH_REPS=$(BENCH_REPS) BENCH_ROUNDS=$(BENCH_ROUNDS) BENCH_SELECT_N=$(BENCH_SELECT_N) \
	  BENCH_PAIRS=$(BENCH_PAIRS) BENCH_SWEEP_ROUNDS=$(BENCH_SWEEP_ROUNDS) \
	  BENCH_CORETYPES="$(BENCH_CORETYPES)" bash tests/bench/bench.sh
