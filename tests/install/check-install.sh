#!/bin/sh
# `meson install` must put everything a distribution packages where the
# desktop looks for it.
set -eu
build=$1
gui=$2
top=$3
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >/dev/null
prefix=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
root=$dest$prefix
app=io.github.strata.Strata

expected="bin/strata-cli
share/bash-completion/completions/strata-cli
share/zsh/site-functions/_strata-cli
share/fish/vendor_completions.d/strata-cli.fish
share/man/man1/strata-cli.1
share/strata/alembic/strata-alembic-render.py"
if [ "$gui" = true ]; then
  expected="$expected
bin/strata
share/applications/$app.desktop
share/metainfo/$app.metainfo.xml
share/icons/hicolor/scalable/apps/$app.svg
share/icons/hicolor/symbolic/apps/$app-symbolic.svg
share/glib-2.0/schemas/$app.gschema.xml
share/dbus-1/services/$app.service"
fi

# A catalog for every language in po/LINGUAS, where gettext looks for it.
for lang in $(sed 's/#.*//' "$top/po/LINGUAS"); do
  expected="$expected
share/locale/$lang/LC_MESSAGES/strata.mo"
done

status=0
for f in $expected; do
  if [ -e "$root/$f" ]; then
    echo "ok: $f"
  else
    echo "not ok: $f was not installed"
    status=1
  fi
done
# The desktop file carries the translations of its name and comment.
if [ "$gui" = true ]; then
  for lang in $(sed 's/#.*//' "$top/po/LINGUAS"); do
    if grep -q "^Comment\[$lang\]=" "$root/share/applications/$app.desktop"; then
      echo "ok: the desktop file has Comment[$lang]"
    else
      echo "not ok: the installed desktop file has no Comment[$lang]"
      status=1
    fi
  done
fi
# Nothing from the build that users should not get: no tests, no static library.
if find "$root" -name 'test-*' -o -name '*.a' | grep -q .; then
  echo "not ok: test programs or static libraries were installed:"
  find "$root" -name 'test-*' -o -name '*.a'
  status=1
fi
exit $status
