# src: the dmabufctl program.  BPF programs live beside their loaders:
# X.bpf.c -> X.bpf.o (clang -target bpf) -> X.skel.h (bpftool gen skeleton).
bin_PROGRAMS += src/dmabufctl

src_dmabufctl_SOURCES = \
	src/dmabufctl.c src/dmabufctl.h \
	src/util.c src/util.h \
	src/dmabuf.c src/dmabuf.h \
	src/output.c src/output.h \
	src/source.h src/scan.c src/cmd_scan.c src/cmd_scan.h \
	src/source_procfs.c src/source_maps.c src/source_debugfs.c \
	src/cmd_list.c src/cmd_show.c src/cmd_procs.c \
	src/cmd_trace.c src/cmd_revoke.c \
	src/revoke.c src/revoke.h src/revoke_verify.c src/revoke_verify.h
src_dmabufctl_CFLAGS = $(AM_CFLAGS) $(SMARTCOLS_CFLAGS) $(JSONC_CFLAGS) -pthread
src_dmabufctl_LDADD = $(SMARTCOLS_LIBS) $(JSONC_LIBS) -lm
src_dmabufctl_LDFLAGS = -pthread

EXTRA_DIST += src/dmabuf_kern.h src/kprobe_regs.h src/trace.h src/trace.bpf.c src/iter.bpf.c \
	src/dmabuf_core.bpf.h src/source_bpf.c src/trace_bpf.c

if HAVE_BPF
src_dmabufctl_SOURCES += src/source_bpf.c src/trace_bpf.c src/trace_bpf.h
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
BPF_CFLAGS = -g -O2 -target $(BPF_TARGET) -D__TARGET_ARCH_$(BPF_TARGET_ARCH) \
	-Wall -Wno-unused-function -I$(top_srcdir)/src -I$(top_builddir)/src

src/%.bpf.o: $(top_srcdir)/src/%.bpf.c $(top_srcdir)/src/dmabuf_kern.h $(top_srcdir)/src/trace.h \
		$(top_srcdir)/src/dmabuf_core.bpf.h $(top_srcdir)/src/kprobe_regs.h
	$(AM_V_GEN)$(MKDIR_P) src && $(CLANG) $(BPF_CFLAGS) -c $< -o $@

src/%.skel.h: src/%.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name $(subst .skel.h,,$(notdir $@))_bpf > $@.tmp && mv $@.tmp $@
endif
