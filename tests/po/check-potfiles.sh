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
# The keywords of meson's glib preset.
xgettext --from-code=UTF-8 --add-comments --directory="$top" --files-from=po/POTFILES.in \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format \
  --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
  --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
  --flag=g_log:3:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
  --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format \
  --flag=g_snprintf:3:c-format --keyword=ngettext:1,2 -o "$pot"
n=$(grep -c '^msgid ' "$pot" || true)
if [ "$n" -lt 100 ]; then
  echo "not ok: the template holds only $n strings"
  status=1
fi
[ $status -eq 0 ] && echo "ok: POTFILES.in complete; the template builds with $n strings"
exit $status
