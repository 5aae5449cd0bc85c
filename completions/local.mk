# completions: see Makefile.am
