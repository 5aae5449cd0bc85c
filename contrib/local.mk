# contrib/systemd: a service and timer that keep the metrics in
# node_exporter's textfile directory.  The service names the installed
# program and the directory, so it is made here from its .in (never into
# $(srcdir): distcheck keeps that read-only).
dist_systemdsystemunit_DATA = contrib/systemd/dmabufctl-metrics.timer
nodist_systemdsystemunit_DATA = contrib/systemd/dmabufctl-metrics.service
EXTRA_DIST += contrib/systemd/dmabufctl-metrics.service.in
CLEANFILES += contrib/systemd/dmabufctl-metrics.service
contrib/systemd/dmabufctl-metrics.service: $(srcdir)/contrib/systemd/dmabufctl-metrics.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
		$(SED) -e 's|[@]bindir[@]|$(bindir)|g' -e 's|[@]textfiledir[@]|$(textfiledir)|g' \
		$(srcdir)/contrib/systemd/dmabufctl-metrics.service.in > $@.tmp && mv $@.tmp $@
