# The README's two commands: `make demo` and `make test`. Everything else is a convenience.
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?=
# One clang build with ASan + UBSan and libFuzzer's coverage instrumentation serves both the
# sanitizer suite and the fuzz targets, so CI compiles the library with clang only once.
ASAN_BUILD ?= $(BUILD)-asan
ODR_BUILD ?= $(BUILD)-odr
FUZZ_SECONDS ?= 300

.PHONY: all deps build demo app test test-hostile test-asan asan-configure fuzz-smoke fuzz bench odr-check install clean

all: build

# Line tables only (-g1): backtraces, perf and the sanitizers' reports name the function and the
# line, and the builds take about a third less time than with full debug information (-g), which
# CI pays twice. For a debugger's view of variables, pass full -g in CMAKE_ARGS, e.g.
#   make build CMAKE_ARGS="-DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O2 -g -DNDEBUG'"
RELEASE_FLAGS = "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(RELEASE_FLAGS) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Creates a case in a temporary folder from generated sample evidence and runs the main job.
demo: build
	@scripts/demo.sh $(BUILD)

# The app (docs/app.md) on the demo case: the demo makes it once in $(BUILD)/demo, quietly, then
# the app opens it. The case is locked with the demo's passphrase, printed here to type in.
DEMO_DIR = $(BUILD)/demo
app: build
	@[ -f $(DEMO_DIR)/case/case.json ] || { rm -rf $(DEMO_DIR) && \
	  EVIDENCE_DEMO_DIR=$(DEMO_DIR) scripts/demo.sh $(BUILD) >/dev/null; }
	@echo "make app: the demo case is $(DEMO_DIR)/case; its passphrase is: demo passphrase, not for real cases"
	@$(BUILD)/tools/evidence -C $(DEMO_DIR)/case app

# The suite, then the CI-sized fuzz run (which builds the clang ASan build). `.ci/run` adds the
# whole suite under the sanitizers (`make test-asan`), reusing that build.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600
	@$(MAKE) --no-print-directory fuzz-smoke

# The CLI suite again with a wrong passphrase and case, another time zone and an unwritable home
# in the environment (docs/testing.md); it reuses the build.
test-hostile: build
	@scripts/test-hostile.sh $(BUILD)

# Debug keeps assertions; -O1 is what ASan recommends for speed (and what makes fuzzing useful);
# line tables are all its reports need (see RELEASE_FLAGS).
asan-configure: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang-14 \
	  -DCMAKE_CXX_COMPILER=clang++-14 "-DCMAKE_C_FLAGS_DEBUG=-gline-tables-only -O1" \
	  "-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -O1" \
	  -DEVIDENCE_SANITIZE=ON -DEVIDENCE_FUZZ=ON -DEVIDENCE_BUILD_BENCHMARKS=OFF $(CMAKE_ARGS) >/dev/null

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, but for the browser tests:
# they drive Chromium, and the only code of ours they run is the app's server, which `app.*` already
# drives under the sanitizers here; in CI's time budget they would buy nothing (docs/testing.md).
test-asan: asan-configure
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900 -E '^(app_browser|architecture)\.'

# Every fuzz target for a fixed number of executions, replaying tests/fuzz/regressions/ (docs/fuzzing.md).
fuzz-smoke: asan-configure
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target fuzz_targets
	@tests/fuzz/run.sh $(ASAN_BUILD) smoke

# Longer fuzzing: FUZZ_SECONDS per target (FUZZ_TARGETS="sms email" to choose), corpus kept.
fuzz: asan-configure
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target fuzz_targets
	@tests/fuzz/run.sh $(ASAN_BUILD) $(FUZZ_SECONDS)

# Benchmarks against openssl/bsdtar on generated corpora; prints a table.
bench: build
	@tests/bench/run.sh $(BUILD)

# The library linked with GCC's link-time optimisation, which checks the One Definition Rule across
# all its files: two different types or functions under one name in one namespace fail the link.
# GNU ld, since lld cannot read GCC's LTO objects. Not part of CI (a whole build of its own): run
# it after moving or renaming types between files (docs/testing.md).
odr-check: deps
	@cmake -S . -B $(ODR_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVIDENCE_HAVE_LLD=OFF \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -flto=auto -Werror=odr -Werror=lto-type-mismatch" \
	  -DEVIDENCE_BUILD_BENCHMARKS=OFF $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ODR_BUILD) -j$(JOBS) --target libevidence
	@echo "odr-check: libevidence links with no ODR violation"

install: build
	@cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(ODR_BUILD)
