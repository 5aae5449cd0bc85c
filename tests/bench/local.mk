# tests/bench: benchmark and demo on real buffers in a VM (see Makefile.am).
#   make demo    boot Debian's sid kernel, make sample dma-bufs, show
#                dmabufctl list, show and procs on them (tests/bench/demo)
#   make bench   time dmabufctl list -J (each path, each source) against lsfd
#                and a bare /proc walk at 150 to 2,000 processes x 10-20
#                dma-bufs, and trace -J's cost to a busy importer
#                (tests/bench/run; BENCH_FLAGS="-n 150 -r 3" for less)
# Neither is a test: both print, and need QEMU (tools/install-deps).
EXTRA_DIST += tests/bench/run tests/bench/demo tests/bench/fdwalk.c tests/bench/holders.c
# The capture tool of tests/fixtures/6.12 and 7.2 (replayed by
# tests/host/fixtures.bats, listed in tests/local.mk's HOST_TESTS).
EXTRA_DIST += tests/vm/capture-fixture

BENCH_ENV = BUILDDIR='$(abs_top_builddir)' DMABUFCTL='$(abs_top_builddir)/src/dmabufctl' \
	TESTS_HELPERS='$(abs_top_builddir)/tests/helpers'

.PHONY: demo bench
demo: all
	$(BENCH_ENV) $(top_srcdir)/tests/bench/demo $(DEMO_FLAGS)

bench: all
	$(BENCH_ENV) $(top_srcdir)/tests/bench/run $(BENCH_FLAGS)
