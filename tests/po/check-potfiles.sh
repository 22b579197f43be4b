#!/bin/sh
# Every source file with a translatable string must be in po/POTFILES.in, or
# its strings never reach translators; and the template must build from it.
set -eu
top=$1
cd "$top"

status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext)[[:space:]]*\(|translatable="yes"' \
             src data --include='*.c' --include='*.ui' --include='*.in' --include='*.xml' | sort); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "not ok: $f has translatable strings but is missing from po/POTFILES.in"
    status=1
  fi
done
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  [ -f "$f" ] || { echo "not ok: po/POTFILES.in lists $f, which does not exist"; status=1; }
done < po/POTFILES.in

pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
sh "$top/tests/po/make-pot.sh" "$top" "$pot"
n=$(grep -c '^msgid ' "$pot" || true)
if [ "$n" -lt 100 ]; then
  echo "not ok: the template holds only $n strings"
  status=1
fi
[ $status -eq 0 ] && echo "ok: POTFILES.in complete; the template builds with $n strings"
exit $status
