#!/bin/sh
# Every translation in po/ must be valid and complete against the strings the
# sources have now: msgfmt accepts it (format directives included), LINGUAS
# lists it, and once merged with a fresh template no message is untranslated
# or fuzzy. A failure names each string and where it comes from; po/README.md
# says how to update a translation.
set -eu
top=$1
cd "$top"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sh tests/po/make-pot.sh "$top" "$work/strata.pot"

# Prints the messages of the merged catalog that msgattrib selects, one line
# each, with the first place in the sources that uses it. A msgid that holds
# a newline is written over several lines even with --no-wrap (msgid "" and
# then one string per line); they are joined, and the header (empty) skipped.
list () {
  msgattrib "$@" --no-obsolete --no-wrap "$work/merged.po" |
    awk 'function flush() { if (inid && id != "") print "\"" id "\" (" where ")"; inid = 0 }
         /^#: / { where = $2 }
         /^msgid / { flush(); id = substr($0, 8, length($0) - 8); inid = 1; next }
         inid && /^"/ { id = id substr($0, 2, length($0) - 2); next }
         { flush() }
         END { flush() }'
}

status=0
for lang in $(sed 's/#.*//' po/LINGUAS); do
  [ -f "po/$lang.po" ] || { echo "not ok: po/LINGUAS lists $lang, but po/$lang.po does not exist"; status=1; }
done
for po in po/*.po; do
  lang=$(basename "$po" .po)
  if ! sed 's/#.*//' po/LINGUAS | grep -qw "$lang"; then
    echo "not ok: $po is not in po/LINGUAS, so it is neither built nor installed"
    status=1
  fi
  if ! msgfmt --check --check-format -o /dev/null "$po"; then
    echo "not ok: $po: msgfmt --check --check-format fails (above)"
    status=1
    continue
  fi
  msgmerge --quiet --previous -o "$work/merged.po" "$po" "$work/strata.pot"
  untranslated=$(list --untranslated --no-fuzzy)
  fuzzy=$(list --only-fuzzy)
  if [ -n "$untranslated" ] || [ -n "$fuzzy" ]; then
    echo "not ok: $po is not complete; run “ninja -C _build strata-update-po” and translate:"
    [ -z "$untranslated" ] || printf '%s\n' "$untranslated" | sed 's/^/  untranslated: /'
    [ -z "$fuzzy" ] || printf '%s\n' "$fuzzy" | sed 's/^/  fuzzy (new, or changed in English): /'
    status=1
  else
    echo "ok: $po: $(msgfmt --statistics -o /dev/null "$work/merged.po" 2>&1)"
  fi
done
exit $status
