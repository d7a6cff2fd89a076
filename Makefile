# safety_sample — build, test and run the SQLite extension.
#
#   make          build build/safety_sample.so (installs missing packages)
#   make test     build and run every test; ends with "N passed, M failed"
#   make demo     the main job on the bundled Do-Not-Answer data
#   make clean    remove build/
#
# Debian packages are installed by `make deps` when missing (with sudo when
# not root); it does nothing when everything is present.

CC       ?= cc
BUILD    := build
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
# cblas.h only: OpenBLAS is not linked but opened on first use
# (ext/core/blas.h), so its threads never start in a process that does not
# run fl; -ldl for dlopen.
OPENBLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null || echo -I/usr/include/$(MULTIARCH)/openblas-pthread)

OPT      ?= -O3 -g
WARN     := -Wall -Wextra -Werror
# -ffp-contract=off: no fused multiply-add, so every machine rounds alike.
BASE_CFLAGS := -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -ffp-contract=off -pthread $(OPENBLAS_CFLAGS)
EXT_CFLAGS  := $(BASE_CFLAGS) -fPIC -fvisibility=hidden $(OPT)
EXT_LIBS    := -lcjson -lcsv -lm -ldl -pthread

# Two floors (ext/README.md): ext/core/ is pure C11 without SQLite, built
# into the extension and, on its own, into the unit tests and fuzz targets;
# ext/*.c is the SQLite floor, built into the extension only.
CORE_SRC := $(sort $(wildcard ext/core/*.c))
SQL_SRC  := $(sort $(wildcard ext/*.c))
EXT_SRC  := $(CORE_SRC) $(SQL_SRC)
CORE_HDR := $(wildcard ext/core/*.h ext/core/*.inc)
EXT_HDR  := $(CORE_HDR) $(wildcard ext/*.h)
EXT      := $(BUILD)/safety_sample.so
# The include path of code that links the core alone (tests, fuzz targets).
CORE_INC := -Iext/core -Iext

DEB_PACKAGES := gcc make pkg-config sqlite3 libsqlite3-dev libopenblas-dev libcjson-dev libcsv-dev python3

.PHONY: all deps test unit-tests clean demo bench sanitize fuzz
all: deps $(EXT)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Every build directory waits for deps, so that `make -j` never compiles
# before the packages are in (order-only: no rebuild because of it).
$(BUILD): | deps
	mkdir -p $(BUILD)

$(EXT): $(EXT_SRC) $(EXT_HDR) ext/exports.map Makefile | $(BUILD)
	$(CC) $(EXT_CFLAGS) -shared -Wl,--version-script=ext/exports.map -o $@ $(EXT_SRC) $(EXT_LIBS)

# ---- tests ---------------------------------------------------------------
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g
UNIT_SRC    := $(sort $(wildcard tests/c/test_*.c))
UNIT_BIN    := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(BUILD)/tests: | deps
	mkdir -p $@

$(BUILD)/tests/sqltest: tests/sqltest.c | $(BUILD)/tests
	$(CC) $(TEST_CFLAGS) -o $@ $< -lsqlite3

# The core compiled once into an archive that every unit test links (the
# generated refusal model alone is 2.6 MB of C).
CORE_OBJ := $(patsubst ext/core/%.c,$(BUILD)/core/%.o,$(CORE_SRC))
CORE_LIB := $(BUILD)/libsafety_core.a

$(BUILD)/core: | deps
	mkdir -p $@

$(BUILD)/core/%.o: ext/core/%.c $(CORE_HDR) Makefile | $(BUILD)/core
	$(CC) $(TEST_CFLAGS) -O2 $(CORE_INC) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/test_%: tests/c/test_%.c $(wildcard tests/c/*.h) $(CORE_LIB) $(CORE_HDR) | $(BUILD)/tests
	$(CC) $(TEST_CFLAGS) -O2 $(CORE_INC) -o $@ $< $(CORE_LIB) $(EXT_LIBS)

# Without OpenBLAS: blas.c built to open a library that does not exist,
# so the missing-library paths really run, in test_blas_missing (the core)
# and in an extension variant for tests/sh/blas_missing.sh (-O0: quick).
NOBLAS_DEF := -DSAFETY_BLAS_SONAME='"libsafety-missing-blas.so.0"'
NOBLAS_EXT := $(BUILD)/tests/noblas/safety_sample.so

$(BUILD)/tests/test_blas_missing: tests/c/test_blas_missing.c ext/core/blas.c $(wildcard tests/c/*.h) $(CORE_OBJ) $(CORE_HDR) | $(BUILD)/tests
	$(CC) $(TEST_CFLAGS) -O2 $(CORE_INC) $(NOBLAS_DEF) -o $@ $< ext/core/blas.c \
	  $(filter-out $(BUILD)/core/blas.o,$(CORE_OBJ)) $(EXT_LIBS)

# A library without OpenBLAS's functions under its name: libm.
NOSYM_DEF := -DSAFETY_BLAS_SONAME='"libm.so.6"'

$(BUILD)/tests/test_blas_nosym: tests/c/test_blas_nosym.c ext/core/blas.c $(wildcard tests/c/*.h) $(CORE_HDR) | $(BUILD)/tests
	$(CC) $(TEST_CFLAGS) -O2 $(CORE_INC) $(NOSYM_DEF) -o $@ $< ext/core/blas.c $(EXT_LIBS)

$(NOBLAS_EXT): $(EXT_SRC) $(EXT_HDR) ext/exports.map Makefile | $(BUILD)/tests
	mkdir -p $(@D)
	$(CC) $(EXT_CFLAGS) -O0 $(NOBLAS_DEF) -shared -Wl,--version-script=ext/exports.map -o $@ $(EXT_SRC) $(EXT_LIBS)

unit-tests: $(UNIT_BIN) $(NOBLAS_EXT)

test: all $(BUILD)/tests/sqltest unit-tests
	@BUILD=$(BUILD) bash tests/run.sh

clean:
	rm -rf $(BUILD)

# Further targets (demo, bench, sanitize, fuzz) live beside their code.
-include tests/*.mk
