# The maintainers' targets, included by the Makefile: mutation testing and
# lint. (make test and CI also run maint/setup; .ci/run runs maint/ci.)

# ---------------------------------------------------------------- mutants

# make mutants: maint/mutants.txt's realistic mistakes, each applied to a
# copy of the tree and run against the suite; a table and "killed N of M".
# make mutants MUTANTS="--slow --only NAME" passes options (maint/mutants).
.PHONY: mutants
mutants: $(PROGRAMS) $(TOOLS) $(TEST_TOOLS)
	maint/mutants $(MUTANTS)

# ---------------------------------------------------------------- lint

LINT_SOURCES := $(sort $(wildcard common/*.cpp common/*.hpp $(addsuffix /*.cpp,$(CHAPTER_DIRS)) tools/*.cpp tests/tools/*.cpp))
.PHONY: lint
lint:
	maint/lint $(LINT_SOURCES)
