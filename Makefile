# make              every chapter (./ch01/server, ./ch01/client ... ) and tools/
# make ch03         one chapter: ./ch03/server and ./ch03/client
# make test         the Bats suite (installs what it needs first: maint/setup)
# make test TESTS=tests/ch04.bats    one file of it
# make test-slow    tests/slow/: load, real peers, process limits, demos
# make diff         each chapter's server.cpp against the one before
# make diff-ch04    one step: the diff that turns ch03 into ch04
# make demo-ch03    chapter 3's experiment in one terminal
# make trace-ch04   chapter 4's experiment under strace, one lane per process
# make lint         clang-format, cppcheck and clang-tidy, all clean (maint/)
# make bench        what a process costs: speed, memory, fork (bench/README.md)
# make bench-quick  the same in one short round, for a look
# make clean        remove everything the build made
# make CXX=clang++ ...                   the same with clang
# make SANITIZE=address,undefined test   the same with sanitizers

# ---------------------------------------------------------------- build

MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2)

CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Wpedantic -Werror
CPPFLAGS += -Icommon -MMD -MP
SANITIZE ?=
ifneq ($(SANITIZE),)
CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
# A sanitized fork() is several times slower: tests that run hundreds of
# clients in a row give each run 60 s instead of 5, and every wait of the
# tests (poll, lib/harness.bash) is 4 times as long.
CLIENT_TIMEOUT ?= 60
TIME_SCALE ?= 4
export CLIENT_TIMEOUT TIME_SCALE SANITIZE
endif

.PHONY: all FORCE
.SECONDARY:
all: chapters tools

# Everything is rebuilt when the compiler or the flags change.
build/flags: FORCE
	@mkdir -p build
	@echo '$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS)' > $@

# The servers are linked as static PIEs: a process with fewer mappings
# forks faster, and a fork per client is most of what a fork server costs
# (bench/README.md, "Fork cost and the address space"). The clients, which
# never fork, are linked as usual. Sanitizers need the shared runtime, and a
# machine without the static C library (Fedora's glibc-static) gets the
# usual link too: build/server-ldflags holds what this compiler can do.
SERVER_LDFLAGS ?= -static-pie
ifneq ($(SANITIZE),)
SERVER_LDFLAGS :=
endif
build/server-ldflags.wanted: FORCE
	@mkdir -p build
	@echo '$(SERVER_LDFLAGS)' | cmp -s - $@ || echo '$(SERVER_LDFLAGS)' > $@
build/server-ldflags: build/flags build/server-ldflags.wanted
	@printf 'int main() {}\n' | $(CXX) -x c++ - $(SERVER_LDFLAGS) -o build/link-probe 2>/dev/null && \
	    echo '$(SERVER_LDFLAGS)' > $@ || \
	    { echo 'note: $(CXX) cannot link $(SERVER_LDFLAGS): the servers are linked like the clients' >&2; : > $@; }
	@rm -f build/link-probe

build/%.o: %.cpp build/flags
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# ---------------------------------------------------------------- chapters

# chapters.txt is the one list of chapters: chNN-name, then its fix.
CHAPTER_DIRS := $(shell sed -e '/^\#/d' -e 's/[[:space:]].*//' chapters.txt)
CHAPTERS     := $(foreach c,$(CHAPTER_DIRS),$(firstword $(subst -, ,$(c))))
COMMON       := $(patsubst common/%.cpp,build/common/%.o,$(wildcard common/*.cpp))
PROGRAMS     := $(foreach c,$(CHAPTERS),$(c)/server $(c)/client)

# common/ as an archive: a program takes only the objects it calls.
build/libcommon.a: $(COMMON)
	@rm -f $@
	$(AR) rcs $@ $^

.PHONY: chapters $(CHAPTERS)
chapters: $(PROGRAMS)

# chNN/server is linked from chNN-*/server.cpp and common/. A variant,
# chNN-*/variants/NAME.patch, is the chapter's server with that patch
# applied: scripts/variant patches and compiles the files it changes (at
# -O0), and lists the objects to link in build/variants/chNN-NAME/objects;
# build/variants/chNN-NAME/server is linked from them as chNN/server is.
define chapter
$(1): $(1)/server $(1)/client
$(1)/server: build/$(2)/server.o build/libcommon.a build/server-ldflags
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(CXXFLAGS) $$(LDFLAGS) $$(filter-out build/server-ldflags,$$^) $$(file <build/server-ldflags) -o $$@
$(1)/client: build/$(2)/client.o build/libcommon.a
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(CXXFLAGS) $$(LDFLAGS) $$^ -o $$@
build/variants/$(1)-%/objects: $(2)/variants/%.patch build/$(2)/server.o build/libcommon.a build/flags scripts/variant | setup
	@scripts/variant build $(1)-$$*
build/variants/$(1)-%/server: build/variants/$(1)-%/objects build/libcommon.a build/server-ldflags
	@$$(CXX) $$(CXXFLAGS) $$(LDFLAGS) $$(file <$$<) build/libcommon.a $$(file <build/server-ldflags) -o $$@
VARIANTS += $(patsubst $(2)/variants/%.patch,$(1)-%,$(wildcard $(2)/variants/*.patch))
endef
VARIANTS :=
$(foreach d,$(CHAPTER_DIRS),$(eval $(call chapter,$(firstword $(subst -, ,$(d))),$(d))))
VARIANT_SERVERS := $(patsubst %,build/variants/%/server,$(VARIANTS))

# make variants: the wrong versions the chapters teach, and the claims that
# catch each; make variant-ch04-reap-once: build/variants/ch04-reap-once/server.
.PHONY: variants $(addprefix variant-,$(VARIANTS))
variants:
	@scripts/variant list
$(addprefix variant-,$(VARIANTS)): variant-%: build/variants/%/server

# ---------------------------------------------------------------- tools

# tools/: what the demos, the tests and the bench run servers under.
# tests/tools/: programs only the tests use.
TOOLS      := build/tools/subreaper build/tools/lanes
TEST_TOOLS := build/tests/peer build/tests/standin

.PHONY: tools
tools: $(TOOLS)
build/tools/%: build/tools/%.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@
build/tests/%: build/tests/tools/%.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@

# ---------------------------------------------------------------- test

# The packages the suite needs (bats, strace, patch...) come first.
.PHONY: setup
setup:
	@maint/setup test

# make test test-slow runs the two suites one after the other.
.PHONY: test test-slow
test: $(PROGRAMS) $(TOOLS) $(TEST_TOOLS) $(VARIANT_SERVERS)
	tests/run $(TESTS)
ifneq ($(filter test,$(MAKECMDGOALS)),)
test-slow: test
endif
test-slow: $(PROGRAMS) $(TOOLS) $(TEST_TOOLS) $(VARIANT_SERVERS)
	tests/run --slow

# ---------------------------------------------------------------- exercises

# make exercise-ch04: exercises/ch04/server.cpp, ch03's server to turn into
# ch04, and the task; make check-ch04 links exercises/ch04/server from it as
# a chapter's server is (built with the flags of build/flags), and grades it
# by ch04's claims (scripts/exercise). EXERCISES=DIR stands for exercises/.
# make check-ch04 SERVER='PROGRAM ARGS...' grades that program instead,
# built by some other make: nothing of exercises/ is built (scripts/exercise).
EXERCISES        ?= exercises
EXERCISE_TARGETS := $(addprefix exercise-,$(wordlist 2,$(words $(CHAPTERS)),$(CHAPTERS)))
CHECK_TARGETS    := $(addprefix check-,$(wordlist 2,$(words $(CHAPTERS)),$(CHAPTERS)))
.PHONY: $(EXERCISE_TARGETS) $(CHECK_TARGETS)
$(EXERCISE_TARGETS): exercise-%:
	@scripts/exercise start $*
$(CHECK_TARGETS): check-%: $(PROGRAMS) $(TOOLS) $(TEST_TOOLS) $(if $(SERVER),,$(EXERCISES)/%/server) | setup
	@scripts/exercise check $*
$(EXERCISES)/%/server: $(EXERCISES)/%/server.cpp build/libcommon.a build/flags build/server-ldflags
	@$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS) $< build/libcommon.a $(file <build/server-ldflags) -o $@
# No server.cpp yet: scripts/exercise says to make exercise-chNN first.
$(EXERCISES)/%/server.cpp:
	@scripts/exercise check $*

# ---------------------------------------------------------------- maintainers

# make mutants, make lint: the maintainers' tools, in maint/.
include maint/maint.mk

# ---------------------------------------------------------------- bench

# bench/run: fork floors, two loads (short requests, slow clients), the
# think-time crossover and memory per client, on ch01, ch05 (also linked the
# usual ways: ch05-dyn, ch05-libc), a minimal C fork server (also linked as
# the chapters are: minimal-pie), socat and tcpserver. It runs copies under
# build/bench/, so that a running bench is never taken for a test's
# leftover. forkfloor is linked each way a server can be; a way this
# machine cannot link (no static libc) is left out.
CH05_DIR     := $(filter ch05-%,$(CHAPTER_DIRS))
BENCH_CFLAGS := -O2 -g -std=c11 -Wall -Wextra -Wpedantic -Werror
BENCH_TOOLS  := build/bench/loadgen build/bench/minimal_fork_server build/bench/subreaper \
                build/bench/ch01-server build/bench/ch05-server build/bench/ch05-dyn-server \
                build/bench/ch05-libc-server build/bench/forkfloor-c-shared build/bench/forkfloor-cxx-shared
BENCH_OPTIONAL := build/bench/forkfloor-cxx-libc build/bench/forkfloor-static-pie build/bench/minimal-pie-server
# What it needs besides (gnuplot for the chart, pgrep) comes first.
.PHONY: bench bench-quick bench-tools bench-setup
bench: bench-tools | bench-setup
	bench/run
bench-quick: bench-tools | bench-setup
	bench/run --quick
bench-setup:
	@maint/setup bench
bench-tools: $(BENCH_TOOLS)
	@$(MAKE) --no-print-directory -k $(BENCH_OPTIONAL) 2>/dev/null || true
build/bench/loadgen: build/bench/loadgen.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -pthread $^ -o $@
build/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -c $< -o $@
build/bench/minimal_fork_server: build/bench/minimal_fork_server.o
	$(CC) $^ -o $@
build/bench/minimal-pie-server: build/bench/minimal_fork_server.o
	$(CC) -static-pie $^ -o $@
build/bench/forkfloor-c-shared: build/bench/forkfloor.o
	$(CC) $^ -o $@
build/bench/forkfloor-cxx-shared: build/bench/forkfloor.o
	$(CXX) -Wl,--no-as-needed $^ -o $@
build/bench/forkfloor-cxx-libc: build/bench/forkfloor.o
	$(CXX) -static-libstdc++ -static-libgcc $^ -o $@
build/bench/forkfloor-static-pie: build/bench/forkfloor.o
	$(CXX) -static-pie $^ -o $@
build/bench/%-server: %/server
	@mkdir -p $(dir $@)
	cp $< $@
build/bench/ch05-dyn-server: build/$(CH05_DIR)/server.o build/libcommon.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $^ -o $@
build/bench/ch05-libc-server: build/$(CH05_DIR)/server.o build/libcommon.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -static-libstdc++ -static-libgcc $^ -o $@
build/bench/subreaper: build/tools/subreaper
	@mkdir -p $(dir $@)
	cp $< $@

# ---------------------------------------------------------------- docs

# make diff, make diff-chNN: scripts/chapter-diff. make demo-chNN: scripts/demo
# (the demos of ch05 and ch06 show the chapter before beside them).
DIFFS := $(addprefix diff-,$(CHAPTERS))
DEMOS := $(addprefix demo-,$(CHAPTERS))
.PHONY: diff $(DIFFS) $(DEMOS)
diff:
	@scripts/chapter-diff
$(DIFFS): diff-%:
	@scripts/chapter-diff $*
$(DEMOS): demo-%: % $(TOOLS)
	@scripts/demo $*
demo-ch05: ch04
demo-ch06: ch05

# make trace-chNN: scripts/trace, the chapter's experiment drawn as process
# lanes from strace; EXERCISE=1 traces exercises/chNN/server instead (built
# as make check-chNN builds it), SERVER='PROGRAM ARGS...' a program of
# another make (as make check-chNN SERVER=...); CLAIM=NAME runs that
# claim's experiment, MERMAID=1 prints a Mermaid sequenceDiagram.
TRACES := $(addprefix trace-,$(CHAPTERS))
.PHONY: $(TRACES)
$(TRACES): trace-%: % $(TOOLS) $(if $(EXERCISE),$(EXERCISES)/%/server) $(if $(CLAIM),$(TEST_TOOLS)) | setup
	@scripts/trace $(if $(EXERCISE),--exercise) $(if $(SERVER),--server "$$SERVER") $(if $(CLAIM),--claim $(CLAIM)) $(if $(MERMAID),--mermaid) $*

# ---------------------------------------------------------------- clean

.PHONY: clean
clean:
	rm -rf build $(CHAPTERS)

-include $(wildcard build/*/*.d build/tests/tools/*.d)
