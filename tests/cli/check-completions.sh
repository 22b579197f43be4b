#!/bin/sh
# The shell completions and the man page list every command that
# "strata-cli --help" lists, and the bash completion completes them.
#   check-completions.sh STRATA-CLI BASH ZSH FISH MAN
set -eu
cli=$1 bash_file=$2 zsh_file=$3 fish_file=$4 man_file=$5
status=0
verbs=$(LANGUAGE= LC_ALL=C.UTF-8 "$cli" --help |
  awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$verbs" ] || { echo "not ok: no commands in strata-cli --help"; exit 1; }
for verb in $verbs; do
  grep -q " $verb" "$bash_file" || { echo "not ok: the bash completion lacks $verb"; status=1; }
  grep -q "'$verb:" "$zsh_file" || { echo "not ok: the zsh completion lacks $verb"; status=1; }
  grep -q -- "-a $verb " "$fish_file" || { echo "not ok: the fish completion lacks $verb"; status=1; }
  grep -q "^\.SS \"$verb" "$man_file" || { echo "not ok: the man page lacks $verb"; status=1; }
done
[ $status -eq 0 ] && echo "ok: the completions and the man page list $(echo $verbs | wc -w) commands"

# Completing "strata-cli upg" and "strata-cli history --indicate-c" in bash.
complete_words () {
  bash -c '
    complete () { :; }
    . "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _strata_cli
    printf "%s\n" "${COMPREPLY[@]}"' sh "$bash_file" "$@"
}
if [ "$(complete_words strata-cli upg)" = upgrade ]; then
  echo "ok: bash completes strata-cli upg to upgrade"
else
  echo "not ok: bash completes strata-cli upg to: $(complete_words strata-cli upg)"; status=1
fi
if [ "$(complete_words strata-cli history --indicate-c)" = --indicate-current ]; then
  echo "ok: bash completes the options of a command"
else
  echo "not ok: bash completes history --indicate-c to: $(complete_words strata-cli history --indicate-c)"
  status=1
fi
if command -v groff >/dev/null && groff -man -Tutf8 -ww -z "$man_file" 2>&1 | grep -q .; then
  echo "not ok: groff warns about the man page:"; groff -man -Tutf8 -ww -z "$man_file"; status=1
fi
exit $status
