# tests/helpers: programs that make real dma-bufs and real importers for
# the VM suites and `make demo` (protocol: tests/helpers/README.md).
# noinst, not check: plain `make` builds them, and make check depends on
# all, so the suites find them in $(TESTS_HELPERS) either way.
HELPER_PROGS = \
	tests/helpers/mkbufs \
	tests/helpers/dmabuf-vgem \
	tests/helpers/dmabuf-iommufd \
	tests/helpers/dmabuf-vfio
noinst_PROGRAMS += $(HELPER_PROGS)

HELPER_COMMON = tests/helpers/helper.c tests/helpers/helper.h
HELPER_SCM = tests/helpers/scm.c tests/helpers/scm.h
HELPER_IOAS = tests/helpers/ioas.c tests/helpers/ioas.h tests/helpers/iommufd-test.h
tests_helpers_mkbufs_SOURCES = tests/helpers/mkbufs.c $(HELPER_SCM) $(HELPER_COMMON)
tests_helpers_dmabuf_vgem_SOURCES = tests/helpers/dmabuf-vgem.c $(HELPER_COMMON)
tests_helpers_dmabuf_iommufd_SOURCES = tests/helpers/dmabuf-iommufd.c \
	$(HELPER_IOAS) $(HELPER_COMMON)
tests_helpers_dmabuf_vfio_SOURCES = tests/helpers/dmabuf-vfio.c \
	tests/helpers/vfio-uapi.h $(HELPER_IOAS) $(HELPER_SCM) $(HELPER_COMMON)

EXTRA_DIST += tests/helpers/README.md tests/helpers/mkbufs-json \
	tests/helpers/metrics-expected tests/helpers/node-exporter-scrape
