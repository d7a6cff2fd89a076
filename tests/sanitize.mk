# sanitize.mk — `make sanitize`: the whole test suite under AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer (included by the Makefile).
#
# Builds the extension, tests/sqltest.c (the host that loads it) and the C
# unit tests with sanitizers into $(BUILD)/sanitize/ and runs tests/run.sh
# with BUILD, EXT and TEST_BIN pointing there.  Any sanitizer report fails
# the run: -fno-sanitize-recover=all aborts on the first UBSan finding, ASan
# aborts on its first error, LSan makes the program exit non-zero, and the
# log is searched for reports as a second check.
#
#   make sanitize                          gcc (default $(CC)), ASan+UBSan
#   make sanitize SAN_CC=clang             the same with clang
#   make sanitize SANITIZERS=undefined     UBSan only (exercises the ifunc
#                                          kernel clones, which ASan builds skip)
#
# Foreign hosts.  An ASan-built shared object can be loaded only into a
# process whose first library is the ASan runtime.  sqltest is built with
# the runtime; the shell tests (tests/sh/*.sh) run the system sqlite3 and
# python3, which are not, so run.sh runs them through SH_WRAPPER, which
# preloads the runtime (LD_PRELOAD).  Leak detection is off for those hosts
# only: the shell, sqlite3 and python3 keep memory until exit by design, so
# LSan would report their allocations, not ours; leaks in the extension are
# caught by the unit and SQL suites, which run with leak detection on.

SAN_CC      ?= $(CC)
comma       := ,
SANITIZERS  ?= address,undefined
# build/sanitize for the default; another compiler or sanitizer set gets
# its own directory, so that switching never reuses stale objects.
SAN_VARIANT := $(if $(filter-out $(CC)/address$(comma)undefined,$(SAN_CC)/$(SANITIZERS)),-$(notdir $(firstword $(SAN_CC)))-$(subst $(comma),-,$(SANITIZERS)))
SAN_BUILD   := $(BUILD)/sanitize$(SAN_VARIANT)
SAN_FLAGS   := -fsanitize=$(SANITIZERS) -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
SAN_OPT     := -O1 -g
SAN_IS_CLANG := $(shell $(SAN_CC) --version 2>/dev/null | grep -qi clang && echo 1)
SAN_HAS_ASAN := $(findstring address,$(SANITIZERS))

# The shared ASan runtime to preload into foreign hosts.  clang links its
# runtime statically by default; -shared-libasan makes the extension and
# sqltest share one copy with the preloaded hosts (with an rpath to find it).
ifeq ($(SAN_IS_CLANG),1)
SAN_RUNTIME := $(shell $(SAN_CC) -print-file-name=libclang_rt.asan-x86_64.so)
SAN_LINK    := $(if $(SAN_HAS_ASAN),-shared-libasan -Wl$(comma)-rpath$(comma)$(dir $(SAN_RUNTIME)))
else
SAN_RUNTIME := $(shell $(SAN_CC) -print-file-name=libasan.so)
SAN_LINK    :=
endif

# Leak detection and strict checks for our own programs.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1 \
           LSAN_OPTIONS=report_objects=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The wrapper for shell tests (see the head comment).
SAN_SH_WRAPPER := $(if $(SAN_HAS_ASAN),env LD_PRELOAD=$(SAN_RUNTIME) ASAN_OPTIONS=detect_leaks=0:halt_on_error=1)

SAN_EXT      := $(SAN_BUILD)/safety_sample.so
SAN_UNIT_BIN := $(patsubst tests/c/%.c,$(SAN_BUILD)/tests/%,$(UNIT_SRC))
# A pattern that matches the first line of every sanitizer report.
SAN_REPORT   := ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer

$(SAN_BUILD)/tests: | deps
	mkdir -p $@

$(SAN_EXT): $(EXT_SRC) $(EXT_HDR) ext/exports.map $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	$(SAN_CC) $(BASE_CFLAGS) -fPIC -fvisibility=hidden $(SAN_OPT) $(SAN_FLAGS) \
	  -shared -Wl,--version-script=ext/exports.map -o $@ $(EXT_SRC) $(EXT_LIBS) $(SAN_LINK)

$(SAN_BUILD)/tests/sqltest: tests/sqltest.c $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	$(SAN_CC) $(TEST_CFLAGS) $(SAN_FLAGS) -o $@ $< -lsqlite3 $(SAN_LINK)

$(SAN_BUILD)/tests/test_%: tests/c/test_%.c tests/c/check.h tests/c/random_pool.h $(CORE_SRC) $(CORE_HDR) $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	$(SAN_CC) $(TEST_CFLAGS) $(SAN_FLAGS) $(CORE_INC) -o $@ $< $(CORE_SRC) $(EXT_LIBS) $(SAN_LINK)

# The missing-OpenBLAS builds (NOBLAS_DEF, see the Makefile), sanitized too.
$(SAN_BUILD)/tests/test_blas_missing: tests/c/test_blas_missing.c tests/c/check.h tests/c/random_pool.h $(CORE_SRC) $(CORE_HDR) $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	$(SAN_CC) $(TEST_CFLAGS) $(SAN_FLAGS) $(CORE_INC) $(NOBLAS_DEF) -o $@ $< $(CORE_SRC) $(EXT_LIBS) $(SAN_LINK)

$(SAN_BUILD)/tests/test_blas_nosym: tests/c/test_blas_nosym.c tests/c/check.h ext/core/blas.c $(CORE_HDR) $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	$(SAN_CC) $(TEST_CFLAGS) $(SAN_FLAGS) $(CORE_INC) $(NOSYM_DEF) -o $@ $< ext/core/blas.c $(EXT_LIBS) $(SAN_LINK)

$(SAN_BUILD)/tests/noblas/safety_sample.so: $(EXT_SRC) $(EXT_HDR) ext/exports.map $(MAKEFILE_LIST) | $(SAN_BUILD)/tests
	mkdir -p $(@D)
	$(SAN_CC) $(BASE_CFLAGS) -fPIC -fvisibility=hidden $(SAN_OPT) $(SAN_FLAGS) $(NOBLAS_DEF) \
	  -shared -Wl,--version-script=ext/exports.map -o $@ $(EXT_SRC) $(EXT_LIBS) $(SAN_LINK)

sanitize: deps $(SAN_EXT) $(SAN_BUILD)/tests/sqltest $(SAN_UNIT_BIN) $(SAN_BUILD)/tests/noblas/safety_sample.so
	@echo "sanitize: $(SAN_CC) -fsanitize=$(SANITIZERS), build in $(SAN_BUILD)"
	@{ env $(SAN_ENV) BUILD=$(SAN_BUILD) EXT=$(SAN_BUILD)/safety_sample \
	    TEST_BIN=$(SAN_BUILD)/tests SH_WRAPPER="$(SAN_SH_WRAPPER)" \
	    bash tests/run.sh; echo $$? > $(SAN_BUILD)/sanitize.rc; } 2>&1 \
	  | tee $(SAN_BUILD)/sanitize.log; \
	rc=$$(cat $(SAN_BUILD)/sanitize.rc); \
	if grep -qE '$(SAN_REPORT)' $(SAN_BUILD)/sanitize.log; then \
	  echo "sanitize: FAIL: sanitizer reports in $(SAN_BUILD)/sanitize.log:"; \
	  grep -E '$(SAN_REPORT)' $(SAN_BUILD)/sanitize.log | head -n 20; \
	  exit 1; \
	fi; \
	exit $$rc
