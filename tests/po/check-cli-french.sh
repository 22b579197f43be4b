#!/bin/sh
# strata-cli speaks French when asked: the French catalog built in BUILD/po is
# read through STRATA_LOCALEDIR, and LANGUAGE picks it even under the C.UTF-8
# locale (glibc honours LANGUAGE for any locale but plain C and POSIX), so the
# machine needs no French locale installed.
set -eu
cli=$1
build=$2
top=$3
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
cp "$top/migrations/strata.ini" "$project/"
cp -r "$top/migrations/versions" "$project/"

status=0
# Runs strata-cli in French on the copy; its output, stdout and stderr, goes to $out.
french () {
  out=$(STRATA_LOCALEDIR="$build/po" LANGUAGE=fr LC_ALL=C.UTF-8 "$cli" -C "$project" "$@" 2>&1) || true
}
expect () {
  if printf '%s\n' "$out" | grep -qF "$1"; then
    echo "ok: $2"
  else
    echo "not ok: $2: no “$1” in:"
    printf '%s\n' "$out" | sed 's/^/  /'
    status=1
  fi
}

french check
expect "En attente" "check lists each pending revision in French"
expect "9 révisions en attente" "check counts the pending revisions with the French plural"
french upgrade nosuchrev
expect "Aucune révision ou branche «" "an unknown revision is refused in French"
french frobnicate
expect "commande inconnue «" "an unknown command is refused in French"
french --help
expect "Utiliser la base de données à CHEMIN" "--help describes the options in French"

# Without LANGUAGE the same run speaks English: the lines above came from the catalog.
out=$(STRATA_LOCALEDIR="$build/po" LC_ALL=C.UTF-8 "$cli" -C "$project" check 2>&1) || true
expect "9 pending revisions" "without LANGUAGE=fr the CLI stays in English"
exit $status
