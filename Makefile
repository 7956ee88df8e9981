# make            build every chapter (ch01/server, ch01/client, ... ch05/client)
# make ch03       build one chapter: ./ch03/server and ./ch03/client
# make test       build everything and run the Bats suite
# make test TESTS=tests/ch04.bats    run one file of it
# make test-slow  tests/slow/: load, real peers, demos (CI runs them too)
# make clean      remove everything the build made
# make SANITIZE=address,undefined test   the same, with sanitizers
# make lint       clang-format, cppcheck and clang-tidy, all clean (scripts/lint)

# Build on every core: make test from a clean tree compiles 25 files first.
MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2)

CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Wpedantic -Werror
CPPFLAGS += -Icommon -MMD -MP
SANITIZE ?=
ifneq ($(SANITIZE),)
CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

CHAPTERS := ch01-single-process ch02-fork-server ch03-zombies ch04-sigchld-handler ch05-fd-close
SHORT    := $(foreach c,$(CHAPTERS),$(firstword $(subst -, ,$(c))))
COMMON   := $(patsubst common/%.cpp,build/common/%.o,$(wildcard common/*.cpp))
PROGRAMS := $(foreach s,$(SHORT),$(s)/server $(s)/client)
TOOLS    := build/tests/subreaper

.PHONY: all test clean $(SHORT)
all: $(PROGRAMS)

# Everything is rebuilt when the flags change (for example SANITIZE=...).
build/flags: FORCE
	@mkdir -p build
	@echo '$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS)' > $@
.PHONY: FORCE
.SECONDARY:

build/%.o: %.cpp build/flags
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# chNN/server is built from chNN-*/server.cpp and common/.
define chapter
$(1): $(2)/server $(2)/client
$(2)/%: build/$(3)/%.o $(COMMON)
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(CXXFLAGS) $$(LDFLAGS) $$^ -o $$@
endef
$(foreach c,$(CHAPTERS),$(eval $(call chapter,$(firstword $(subst -, ,$(c))),$(firstword $(subst -, ,$(c))),$(c))))

build/tests/subreaper: build/tests/tools/subreaper.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@

# --- the misbehaving test peer, and make lint ---
TOOLS += build/tests/peer
# A sanitized fork() is several times slower: the tests that run hundreds of
# clients in a row get 60 s instead of 5 (CLIENT_TIMEOUT, tests/helpers.bash).
ifneq ($(SANITIZE),)
CLIENT_TIMEOUT ?= 60
export CLIENT_TIMEOUT
endif
build/tests/peer: build/tests/tools/peer.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@

# make lint: clang-format (.clang-format), cppcheck and clang-tidy
# (.clang-tidy) on every C++ file (scripts/lint); ends with "lint: clean".
LINT_SOURCES := $(sort $(wildcard common/*.cpp common/*.hpp ch0*-*/*.cpp tests/tools/*.cpp))
.PHONY: lint
lint:
	scripts/lint $(LINT_SOURCES)
# --- end of hardening block -------------------------------------------------

test: $(PROGRAMS) $(TOOLS)
	tests/run $(TESTS)

# tests/slow/: the load tests (1000 connections in a row, 100 clients at
# once), socat and ncat as peers, fork() under a process limit, and
# demo-ch01 to demo-ch04. CI runs them;
# with them make test would take longer than the 30 s it keeps to.
.PHONY: test-slow
test-slow: $(PROGRAMS) $(TOOLS)
	tests/run tests/slow/*.bats

clean:
	rm -rf build $(SHORT)

# ---- make diff, make diff-chNN, make demo-chNN ----
# make diff          each chapter's server.cpp against the one before, under a
#                    header naming the fix (scripts/chapter-diff)
# make diff-ch04     one step: the diff that turns ch03 into ch04
# make demo-ch03     runs chapter 3's experiment in one terminal (scripts/demo):
#                    its server, a few clients, ps/ss/ls /proc, then cleans up
DIFFS := $(addprefix diff-,$(SHORT))   # diff-ch01 explains there is no ch00
DEMOS := $(addprefix demo-,$(SHORT))
.PHONY: diff $(DIFFS) $(DEMOS)
diff:
	@scripts/chapter-diff
$(DIFFS): diff-%:
	@scripts/chapter-diff $*
$(DEMOS): demo-%: % build/tests/subreaper
	@scripts/demo $*
demo-ch05: ch04
# ---- end of the literate layer ----

# ---- make bench: ch01 and ch05 under load; see bench/README.md ----
# Not part of all or test: bench/run puts two loads (short requests, slow
# clients) on ch01, ch05, a minimal C fork server, socat and tcpserver, and
# writes build/bench/results.txt and build/bench/bench.svg, in under a minute.
# What it runs is copied under build/bench/ first, so that a running bench
# is never taken for a test's leftover server by tests/run.
BENCH_CFLAGS := -O2 -g -std=c11 -Wall -Wextra -Wpedantic -Werror
BENCH_TOOLS  := build/bench/loadgen build/bench/forkfloor build/bench/minimal_fork_server \
                build/bench/ch01-server build/bench/ch05-server build/bench/subreaper
.PHONY: bench
bench: $(BENCH_TOOLS)
	bench/run
build/bench/loadgen: build/bench/loadgen.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -pthread $^ -o $@
build/bench/forkfloor: build/bench/forkfloor.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@
build/bench/minimal_fork_server: bench/minimal_fork_server.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -o $@
build/bench/ch01-server: ch01/server
	@mkdir -p $(dir $@)
	cp $< $@
build/bench/ch05-server: ch05/server
	@mkdir -p $(dir $@)
	cp $< $@
build/bench/subreaper: build/tests/subreaper
	@mkdir -p $(dir $@)
	cp $< $@
# ---- end of make bench ----

-include $(shell find build -name '*.d' 2>/dev/null)
