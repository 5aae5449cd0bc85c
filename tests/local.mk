# Host suites: fast, no VM.  Parser tests replay trees captured from real
# kernels (tests/fixtures/<kernel>/) through --sysroot.
HOST_TESTS = \
	tests/host/sources.bats \
	tests/host/cli.bats \
	tests/host/fixtures.bats \
	tests/host/revoke.bats \
	tests/host/docs.bats \
	tests/host/completions.bats \
	tests/host/trace.bats \
	tests/host/confirm.bats \
	tests/host/ksyms.bats \
	tests/host/robust.bats \
	tests/host/parallel.bats \
	tests/host/metrics.bats \
	tests/host/diff.bats \
	tests/host/watch.bats \
	tests/host/vfio.bats \
	tests/host/trace-names.bats
TESTS += $(HOST_TESTS)
EXTRA_DIST += $(HOST_TESTS) tests/host/common.bash tests/host/prom-canon

# Programs that test one part of src/ from the host suite (tests/unit).
check_PROGRAMS += tests/unit/json-reprint tests/unit/confirm-replay tests/unit/ksyms-lookup \
	tests/unit/metrics-cgroups tests/unit/vfio-record tests/unit/json-record \
	tests/unit/json-stream
# list -J's stream against json-c's printing of the whole document.
tests_unit_json_reprint_SOURCES = tests/unit/json-reprint.c
tests_unit_json_reprint_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_json_reprint_LDADD = $(JSONC_LIBS)
# The tracer's confirmation state machine, without BPF.
tests_unit_confirm_replay_SOURCES = tests/unit/confirm-replay.c \
	src/confirm.c src/ksyms.c src/util.c
tests_unit_confirm_replay_CFLAGS = $(AM_CFLAGS)
# The tracer's names by address (exporter, device), without BPF.
check_PROGRAMS += tests/unit/names-replay
tests_unit_names_replay_SOURCES = tests/unit/names-replay.c src/trace_names.c src/util.c
tests_unit_names_replay_CFLAGS = $(AM_CFLAGS)
# Kernel symbols, as the tracer and the iterator name callbacks.
tests_unit_ksyms_lookup_SOURCES = tests/unit/ksyms-lookup.c src/ksyms.c src/util.c
tests_unit_ksyms_lookup_CFLAGS = $(AM_CFLAGS)

# read_file_at()'s bound, and what it reads to learn a file is too big.
check_PROGRAMS += tests/unit/read-bounded
tests_unit_read_bounded_SOURCES = tests/unit/read-bounded.c src/util.c
tests_unit_read_bounded_CFLAGS = $(AM_CFLAGS)
# metrics per cgroup, from holders whose cgroups the test names.
tests_unit_metrics_cgroups_SOURCES = tests/unit/metrics-cgroups.c \
	src/metrics.c src/dmabuf.c src/dmabuf_groups.c src/utf8.c src/util.c
tests_unit_metrics_cgroups_CFLAGS = $(AM_CFLAGS)
# The BPF iterator's VFIO device record into the model, and out as JSON.
tests_unit_vfio_record_SOURCES = tests/unit/vfio-record.c src/vfio.c src/dmabuf.c \
	src/output.c src/output_json.c src/output_json_dmabuf.c src/utf8.c src/util.c
tests_unit_vfio_record_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS) -pthread
tests_unit_vfio_record_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
tests_unit_vfio_record_LDFLAGS = -pthread
# trace's JSON Lines records (out_rec) against json-c's text of the same tree.
tests_unit_json_record_SOURCES = tests/unit/json-record.c src/output_record.c src/output.c \
	src/output_json.c src/dmabuf.c src/utf8.c src/util.c
tests_unit_json_record_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS)
tests_unit_json_record_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
# list -J's stream of buffers against json-c's text of the same trees.
tests_unit_json_stream_SOURCES = tests/unit/json-stream.c src/dmabuf.c src/output.c \
	src/output_json.c src/output_json_dmabuf.c src/utf8.c src/util.c
tests_unit_json_stream_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS) -pthread
tests_unit_json_stream_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
tests_unit_json_stream_LDFLAGS = -pthread
if HAVE_BPF
# The iterators' records parsed a read at a time, against the same whole.
check_PROGRAMS += tests/unit/iter-chunks
tests_unit_iter_chunks_SOURCES = tests/unit/iter-chunks.c src/parse_iter.c src/source_tasks.c \
	src/vfio.c src/dmabuf.c src/output.c src/output_json.c src/output_json_dmabuf.c \
	src/utf8.c src/util.c
tests_unit_iter_chunks_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS) -pthread
tests_unit_iter_chunks_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
tests_unit_iter_chunks_LDFLAGS = -pthread
endif

# An LD_PRELOAD library: bufinfo's read() blocks until a signal (robust.bats).
# Built without the sanitizers' flags: it is loaded into their binaries too.
check_DATA = tests/unit/stall-read.so
tests/unit/stall-read.so: tests/unit/stall-read.c
	$(AM_V_CC)$(MKDIR_P) tests/unit && $(CC) -shared -fPIC -O2 -Wall -o $@ $(srcdir)/tests/unit/stall-read.c -ldl
CLEANFILES += tests/unit/stall-read.so
EXTRA_DIST += tests/unit/stall-read.c

EXTRA_DIST += tests/fixtures
EXTRA_DIST += tests/host/docs-common.bash
