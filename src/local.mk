# src: the dmabufctl program.  BPF programs live beside their loaders:
# X.bpf.c -> X.bpf.o (clang -target bpf) -> X.skel.h (bpftool gen skeleton).
#
# --disable-bpf leaves out the files that need libbpf; the headers the rest
# includes (tracer.h, source.h) then give stubs that fail with -EOPNOTSUPP.
bin_PROGRAMS += src/dmabufctl

src_dmabufctl_SOURCES = \
	src/dmabufctl.c src/cli.c src/cli.h \
	src/util.c src/util.h src/clock.h \
	src/dmabuf.c src/dmabuf.h src/dmabuf_groups.c src/vfio.c src/vfio.h \
	src/output.c src/output_json.c src/output_json_dmabuf.c src/output_record.c src/output.h src/utf8.c src/utf8.h \
	src/source.h src/scan.c src/cgroup.c src/cgroup.h \
	src/source_procfs.c src/source_maps.c src/source_debugfs.c src/procfs_ahead.c \
	src/parse.h src/parse_fdinfo.c src/parse_bufinfo.c src/parse_maps.c \
	src/filter.c src/filter.h src/sort.c src/sort.h src/list.h \
	src/cmd_list.c src/cmd_show.c src/cmd_procs.c \
	src/cmd_metrics.c src/metrics.c src/metrics.h \
	src/cmd_watch.c src/cmd_diff.c src/change.c src/change.h \
	src/snapshot.c src/snapshot.h \
	src/cmd_trace.c src/cmd_revoke.c src/cmd_unpin.c src/bpf_pins.c src/bpf_pins.h \
	src/revoke.c src/revoke.h src/revoke_verify.c src/revoke_verify.h \
	src/tracer.h src/trace_event.h src/bpf_record.h
src_dmabufctl_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS) -pthread
src_dmabufctl_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
src_dmabufctl_LDFLAGS = -pthread

EXTRA_DIST += src/dmabuf_kern.h src/kprobe_regs.h src/dmabuf_core.bpf.h src/trace.bpf.c \
	src/iter.bpf.c src/vfio.bpf.h

if HAVE_BPF
src_dmabufctl_SOURCES += \
	src/bpf_util.c src/bpf_util.h src/ksyms.c src/ksyms.h \
	src/bpf_iters.c src/bpf_iters.h src/source_bpf.c src/source_tasks.c \
	src/parse_iter.c src/iter_record.h \
	src/tracer.c src/probes.c src/probes.h src/confirm.c src/confirm.h \
	src/trace_names.c src/trace_names.h
src_dmabufctl_CFLAGS += $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
src_dmabufctl_LDADD += $(LIBBPF_LIBS) $(LIBELF_LIBS)

BPF_SKELS = src/trace.skel.h src/iter.skel.h
BUILT_SOURCES += $(BPF_SKELS)
CLEANFILES += $(BPF_SKELS) src/trace.bpf.o src/iter.bpf.o
# Keep the objects: GNU make would delete them as intermediates.
.SECONDARY: src/trace.bpf.o src/iter.bpf.o

# The build machine's kernel does not matter: types come from the
# hand-written CO-RE header, relocated at load time against vmlinux BTF.
# The host's architecture does (kprobe register frames, byte order): see
# BPF_TARGET_ARCH in configure.
# The objects end up inside the program, so any two builds of one tree must
# make the same bytes: absolute paths mapped to "." keep the build
# directory out, and the BTF line info (source lines for verifier messages)
# is read from the source embedded in DWARF, not from a path that exists
# in one build directory only.  libbpf needs BTF, not DWARF: strip it.
# (abspath: configure's abs_top_srcdir may be "BUILD/../SRC".)
BPF_SRCDIR = $(abspath $(top_srcdir))
BPF_BUILDDIR = $(abspath $(top_builddir))
BPF_CFLAGS = -g -gdwarf-5 -gembed-source -O2 -target $(BPF_TARGET) \
	-D__TARGET_ARCH_$(BPF_TARGET_ARCH) -Wall -Wno-unused-function \
	-I$(BPF_SRCDIR)/src -I$(BPF_BUILDDIR)/src \
	-ffile-prefix-map=$(BPF_SRCDIR)=. -ffile-prefix-map=$(BPF_BUILDDIR)=.

src/%.bpf.o: $(top_srcdir)/src/%.bpf.c $(top_srcdir)/src/dmabuf_kern.h \
		$(top_srcdir)/src/bpf_record.h $(top_srcdir)/src/trace_event.h \
		$(top_srcdir)/src/iter_record.h $(top_srcdir)/src/dmabuf_core.bpf.h \
		$(top_srcdir)/src/kprobe_regs.h $(top_srcdir)/src/vfio.bpf.h
	$(AM_V_GEN)$(MKDIR_P) src && $(CLANG) $(BPF_CFLAGS) -c $(abspath $<) -o $@.tmp && \
		$(LLVM_STRIP) -g $@.tmp && mv $@.tmp $@

src/%.skel.h: src/%.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name $(subst .skel.h,,$(notdir $@))_bpf > $@.tmp && mv $@.tmp $@
endif
