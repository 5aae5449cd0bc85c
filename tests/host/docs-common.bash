# Shared by docs.bats and completions.bats: driving the shell completions
# (bash's framework, fish's complete -C, an interactive zsh in a zpty).
# Loaded after common (SRCDIR, DMABUFCTL).

COMPL=$SRCDIR/completions

# Ask an interactive zsh about each LINE, in one zpty session, with the
# directory of $DMABUFCTL first in PATH (for setup_file); zsh_offers reads
# the answers.
zsh_ask() {
	local bindir
	bindir=$(cd "$(dirname "$DMABUFCTL")" && pwd)
	zsh_driver >"$BATS_FILE_TMPDIR/drive.zsh"
	PATH=$bindir:$PATH timeout 120 zsh -f "$BATS_FILE_TMPDIR/drive.zsh" "$COMPL" "$@" \
		>"$BATS_FILE_TMPDIR/zsh.out" 2>"$BATS_FILE_TMPDIR/zsh.err" ||
		echo "zsh driver failed: $(cat "$BATS_FILE_TMPDIR/zsh.err")" >"$BATS_FILE_TMPDIR/zsh.out"
}

# --- driving the completions ---------------------------------------------

BASH_COMPLETION=/usr/share/bash-completion/bash_completion

# What bash offers for the last of WORDS (an empty word completes a new one).
bash_offers() {
	bash -c '
		source "$1" && source "$2" || exit 1
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		# As typed: no blanks around a "=" that bash split off.
		COMP_LINE=$1
		for ((i = 1; i < $#; i++)); do
			if [[ ${COMP_WORDS[i]} == = || ${COMP_WORDS[i - 1]} == = ]]; then
				COMP_LINE+=${COMP_WORDS[i]}
			else
				COMP_LINE+=" ${COMP_WORDS[i]}"
			fi
		done
		COMP_POINT=${#COMP_LINE}
		_dmabufctl dmabufctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMPLETION" "$COMPL/dmabufctl.bash" "$@"
}

# What fish offers at the end of LINE.
fish_offers() {
	fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' "$COMPL/dmabufctl.fish" "$1" |
		cut -f1
}

# What zsh offered at the end of LINE (asked in setup_file), each once.
zsh_offers() {
	awk -v l="== $1" '$0 == l { on = 1; next } /^== / { on = 0 } on && !seen[$0]++' \
		"$BATS_FILE_TMPDIR/zsh.out"
}

# A zsh script: "zsh -f drive.zsh COMPDIR LINE..." types each LINE and Tab
# into an interactive zsh (zpty) with compinit and completions/ in fpath,
# and prints "== LINE" then the matches that reached compadd.
zsh_driver() {
	cat <<'EOF'
zmodload zsh/zpty || exit 2
compdir=$1; shift
tmp=$(mktemp -d) || exit 2
cat >$tmp/init.zsh <<INIT
PS1='' RPS1=''
unsetopt beep
fpath=(${(q)compdir} \$fpath)
autoload -Uz compinit && compinit -u -d $tmp/zcompdump
compadd() {
  if [[ " \$* " == *' '-[OAD]' '* ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a __m
  builtin compadd -O __m "\$@"
  (( \$#__m )) && print -rl -- "<match>"\${^__m}
  builtin compadd "\$@"
}
_test_complete() { zle complete-word; print -r -- "<done>" }
zle -N _test_complete
zstyle ':completion:*' menu no
bindkey '^I' _test_complete
print -r -- "<ready>"
INIT
zpty z zsh -f -i
zpty -w z "source ${(q)tmp}/init.zsh"
zpty -r -m z out '*<ready>*' || exit 2
for line; do
  print -r -- "== $line"
  zpty -w -n z "$line"$'\t'
  out=
  integer n=0
  while [[ $out != *'<done>'* ]]; do
    if zpty -r -t z chunk; then
      out+=$chunk
    else
      sleep 0.05
      (( ++n > 400 )) && { print -u2 "no answer for: $line"; exit 2 }
    fi
  done
  out=${out//$'\r'/}
  out=${out//'<match>'/$'\n<match>'}
  print -r -- ${(F)${(M)${(f)out}:#<match>*}#<match>}
  zpty -w -n z $'\C-u'
done
zpty -d z
rm -rf $tmp
EOF
}
