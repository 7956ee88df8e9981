# make            build every chapter (ch01/server, ch01/client, ... ch05/client)
# make ch03       build one chapter: ./ch03/server and ./ch03/client
# make test       build everything and run the Bats suite
# make test TESTS=tests/ch04.bats    run one file of it
# make clean      remove everything the build made
# make SANITIZE=address,undefined test   the same, with sanitizers

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

test: $(PROGRAMS) $(TOOLS)
	tests/run $(TESTS)

clean:
	rm -rf build $(SHORT)

-include $(shell find build -name '*.d' 2>/dev/null)
