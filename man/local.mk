# man: the manual page.  tests/host/docs.bats keeps it in step with the
# program (options, columns, exit statuses, JSON keys).
dist_man_MANS += man/dmabufctl.8
