# fuzz.mk — `make fuzz`: libFuzzer targets (clang -fsanitize=fuzzer,address,
# undefined) run for FUZZ_SECONDS each (default 30) on their committed seed
# corpus; any crash, sanitizer report, timeout or broken invariant fails.
#
#   make fuzz                      every target, 30 s each
#   make fuzz FUZZ_SECONDS=5       a short run (CI)
#   make fuzz FUZZ=vec_json        only the named targets
#
# A target is tests/fuzz/fuzz_<name>.c with seeds in tests/fuzz/corpus/<name>/
# (tests/fuzz/seeds.py writes them) and an optional dictionary
# tests/fuzz/<name>.dict.  To add one, write the file and add <name> to one
# of the two lists below.  The corpus is copied to a temporary directory
# for the run, so the committed one never changes; a finding is saved as
# $(BUILD)/fuzz/<name>-crash-* (replay: $(BUILD)/fuzz/fuzz_<name> FILE).

# Targets on the core (ext/core/): the fuzzer plus CORE_SRC, no SQLite.
FUZZ_PURE := vec_blob vec_json refusal embed options select facility truncation
# Targets through an in-process SQLite: both floors, -DSQLITE_CORE.
FUZZ_SQL  := sql jsonl csv oom

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ         ?= $(FUZZ_PURE) $(FUZZ_SQL)
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_CFLAGS  := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Itests/fuzz
FUZZ_HDR     := $(wildcard tests/fuzz/*.h) $(EXT_HDR)
# clang and its runtime libraries (Debian: clang, libclang-rt-dev).
FUZZ_RT      := libclang_rt.fuzzer-$(shell uname -m).a
FUZZ_PACKAGES := clang libclang-rt-dev

.PHONY: fuzz-deps fuzz-build
fuzz-deps:
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1 || \
	    [ ! -f "$$($(FUZZ_CC) -print-file-name=$(FUZZ_RT))" ]; then \
	  echo "fuzz-deps: installing $(FUZZ_PACKAGES)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(FUZZ_PACKAGES); \
	fi

$(FUZZ_BUILD): | deps
	mkdir -p $@

$(FUZZ_PURE:%=$(FUZZ_BUILD)/fuzz_%): $(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRC) $(FUZZ_HDR) | fuzz-deps $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CORE_INC) -o $@ $< $(CORE_SRC) $(EXT_LIBS)

# (fuzz_oom.c includes fuzz_sql.c, hence that prerequisite.)
$(FUZZ_SQL:%=$(FUZZ_BUILD)/fuzz_%): $(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_sql.c $(EXT_SRC) $(FUZZ_HDR) | fuzz-deps $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iext -DSQLITE_CORE -o $@ $< $(EXT_SRC) $(EXT_LIBS) -lsqlite3

fuzz-build: deps $(FUZZ:%=$(FUZZ_BUILD)/fuzz_%)

# Each target: a fresh copy of its corpus, FUZZ_SECONDS of fuzzing, a line
# with the executions and coverage; the log's tail on a finding.
fuzz: fuzz-build
	@failed=""; for t in $(FUZZ); do \
	  work=$$(mktemp -d); cp -R tests/fuzz/corpus/$$t/. $$work/; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  log=$(FUZZ_BUILD)/$$t.log; \
	  if $(FUZZ_BUILD)/fuzz_$$t $$dict -max_total_time=$(FUZZ_SECONDS) \
	       -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	       -artifact_prefix=$(FUZZ_BUILD)/$$t- $$work >$$log 2>&1; then \
	    printf 'fuzz %-10s %3s s, %s runs, %s coverage edges, no finding\n' $$t \
	      $(FUZZ_SECONDS) \
	      "$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log)" \
	      "$$(grep -o 'cov: [0-9]*' $$log | tail -n 1 | cut -d' ' -f2)"; \
	  else \
	    echo "FAIL fuzz $$t: finding (log $$log):"; tail -n 40 $$log; \
	    failed="$$failed $$t"; \
	  fi; \
	  rm -rf $$work; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in:$$failed"; exit 1; fi
