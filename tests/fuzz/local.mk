# tests/fuzz: libFuzzer targets of the parsers and a tree mutator driving
# the whole binary through --sysroot.  Built with --enable-fuzzing (CC=clang);
# .ci/run runs each briefly (tests/fuzz/fuzz.bats), make fuzz for long:
#   make fuzz [FUZZ_SECONDS=600] [FUZZ_TARGETS="bufinfo maps"] [FUZZ_TREES=...]
#   make fuzz-coverage   lines covered of each parser by the corpora so far
# Corpora grow in tests/fuzz/corpus/TARGET (build tree), seeded from
# tests/fixtures; crashes land in tests/fuzz/crashes/ and, once fixed,
# become fixtures of tests/host/robust.bats (tests/fixtures/fuzz/).
FUZZ_PARSERS = bufinfo fdinfo maps iter snapshot
.PHONY: fuzz fuzz-coverage clean-fuzz
EXTRA_DIST += tests/fuzz/fuzz.h tests/fuzz/seed tests/fuzz/iter-records tests/fuzz/tree-fuzz \
	tests/fuzz/fuzz.bats tests/fuzz/coverage \
	tests/fuzz/fuzz-bufinfo.c tests/fuzz/fuzz-fdinfo.c tests/fuzz/fuzz-maps.c \
	tests/fuzz/fuzz-iter.c tests/fuzz/bufinfo.dict tests/fuzz/fdinfo.dict \
	tests/fuzz/maps.dict tests/fuzz/iter.dict tests/fuzz/fuzz-snapshot.c tests/fuzz/snapshot.dict

if ENABLE_FUZZING
FUZZ_BINS = tests/fuzz/fuzz-bufinfo tests/fuzz/fuzz-fdinfo tests/fuzz/fuzz-maps \
	tests/fuzz/fuzz-iter tests/fuzz/fuzz-snapshot
noinst_PROGRAMS += $(FUZZ_BINS)
FUZZ_MODEL = src/util.c src/util.h src/dmabuf.c src/dmabuf.h src/parse.h tests/fuzz/fuzz.h
tests_fuzz_fuzz_bufinfo_SOURCES = tests/fuzz/fuzz-bufinfo.c src/parse_bufinfo.c $(FUZZ_MODEL)
tests_fuzz_fuzz_fdinfo_SOURCES = tests/fuzz/fuzz-fdinfo.c src/parse_fdinfo.c $(FUZZ_MODEL)
tests_fuzz_fuzz_maps_SOURCES = tests/fuzz/fuzz-maps.c src/parse_maps.c $(FUZZ_MODEL)
tests_fuzz_fuzz_iter_SOURCES = tests/fuzz/fuzz-iter.c src/parse_iter.c src/iter_record.h \
	src/vfio.c src/vfio.h \
	src/bpf_record.h $(FUZZ_MODEL)
tests_fuzz_fuzz_snapshot_SOURCES = tests/fuzz/fuzz-snapshot.c src/snapshot.c src/snapshot.h \
	$(FUZZ_MODEL)
tests_fuzz_fuzz_bufinfo_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_fdinfo_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_maps_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_iter_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_snapshot_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_bufinfo_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_fdinfo_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_maps_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_iter_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_snapshot_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_snapshot_LDADD = $(JSONC_LIBS)
TESTS += tests/fuzz/fuzz.bats

FUZZ_SECONDS = 600
FUZZ_TARGETS = $(FUZZ_PARSERS)
FUZZ_TREES = 0
FUZZ_ENV = SRCDIR='$(abs_top_srcdir)' BUILDDIR='$(abs_top_builddir)' \
	DMABUFCTL='$(abs_top_builddir)/src/dmabufctl'

# Each target for FUZZ_SECONDS, then the tree mutator as long (or for
# FUZZ_TREES trees).  Nothing is a test: crashes are printed and kept.
fuzz: $(FUZZ_BINS) src/dmabufctl
	@$(MKDIR_P) tests/fuzz/crashes
	@for t in $(FUZZ_TARGETS); do \
		$(MKDIR_P) tests/fuzz/corpus/$$t; \
		$(top_srcdir)/tests/fuzz/seed $(top_srcdir) tests/fuzz/seeds >/dev/null; \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
		tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-dict=$(top_srcdir)/tests/fuzz/$$t.dict \
			-artifact_prefix=tests/fuzz/crashes/$$t- \
			tests/fuzz/corpus/$$t tests/fuzz/seeds/$$t 2>&1 | \
			grep -E '^(stat::|==|SUMMARY|artifact_prefix|Test unit written)|Done [0-9]+ runs' ; \
	done
	$(FUZZ_ENV) $(top_srcdir)/tests/fuzz/tree-fuzz --seconds $(FUZZ_SECONDS) \
		--trees $(FUZZ_TREES) --crashes tests/fuzz/crashes

fuzz-coverage: $(FUZZ_BINS)
	$(FUZZ_ENV) CC='$(CC)' FUZZ_FLAGS='$(FUZZ_FLAGS)' LLVM_PROFDATA='$(LLVM_PROFDATA)' \
		LLVM_COV='$(LLVM_COV)' $(top_srcdir)/tests/fuzz/coverage $(FUZZ_TARGETS)
else
fuzz fuzz-coverage:
	@echo "make $@: configure with CC=clang --enable-fuzzing first" >&2; exit 1
endif
clean-fuzz:
	rm -rf tests/fuzz/corpus tests/fuzz/seeds tests/fuzz/crashes tests/fuzz/cov
clean-local: clean-fuzz
