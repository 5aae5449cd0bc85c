# tests/helpers: see Makefile.am
