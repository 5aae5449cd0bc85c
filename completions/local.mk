# completions: bash, zsh and fish.  The directories come from configure
# (--with-*-completion-dir); tests/host/docs.bats and completions.bats check
# the files against the program.

# bash-completion loads a command's completion on demand from a file named
# after the command: install dmabufctl.bash as "dmabufctl" (a copy made in
# the build tree; nothing is generated into $(srcdir)).
EXTRA_DIST += completions/dmabufctl.bash
nodist_bashcompletion_DATA = completions/dmabufctl
CLEANFILES += completions/dmabufctl
completions/dmabufctl: completions/dmabufctl.bash
	$(AM_V_GEN)$(MKDIR_P) completions && cp $(srcdir)/completions/dmabufctl.bash $@

dist_zshcompletion_DATA = completions/_dmabufctl
dist_fishcompletion_DATA = completions/dmabufctl.fish
