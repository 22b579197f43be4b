#!/bin/bash
# Builds, installs and runs the flatpak without Flathub.
#
# The GNOME runtime cannot be downloaded here, so this makes a stand-in Platform
# and Sdk from Debian 12's packages (debootstrap, then `flatpak build-export`),
# builds flatpak/io.github.strata.Strata.json against it with only the runtime
# names swapped, installs it from a repo and again from a bundle, then:
#   - strata-cli upgrades a copy of the example project inside the sandbox;
#   - the GUI starts under Xvfb and a screenshot lands in _flatpak/shot.png.
# Needs root (debootstrap, chroot) and working bubblewrap. With --prepare-host it
# only installs and checks the host programs, then stops. The runtime is cached
# in _flatpak/ and rebuilt only when this script's package lists change.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${FLATPAK_WORK:-$top/_flatpak}
app_id=io.github.strata.Strata
runtime_prefix=io.github.strata.Debian
branch=bookworm
arch=$(uname -m)

[ "$(id -u)" -eq 0 ] || { echo "flatpak-check: run as root (debootstrap and chroot need it)" >&2; exit 1; }

# Installed without Recommends, so what flatpak-builder and debootstrap call but
# only recommend is named here: flatpak-builder strips and splits the debug
# info on the host (eu-strip, eu-elfcompress: elfutils) and runs git --version.
host_packages="flatpak flatpak-builder debootstrap ostree bubblewrap xvfb xauth dbus dbus-daemon
  imagemagick sqlite3 python3 elfutils debugedit git wget debian-archive-keyring mount"
# What this script and the tools it starts call on the host, as PROGRAM:PACKAGE.
host_programs="flatpak:flatpak flatpak-builder:flatpak-builder debootstrap:debootstrap
  ostree:ostree bwrap:bubblewrap eu-strip:elfutils eu-elfcompress:elfutils
  debugedit:debugedit git:git wget:wget Xvfb:xvfb xauth:xauth dbus-daemon:dbus-daemon
  import:imagemagick identify:imagemagick sqlite3:sqlite3 python3:python3
  chroot:coreutils mountpoint:util-linux umount:mount
  /usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring"
platform_packages="libgtk-4-1 libadwaita-1-0 libgtksourceview-5-0 libsqlite3-0
  libjson-glib-1.0-0 adwaita-icon-theme hicolor-icon-theme librsvg2-common
  shared-mime-info fontconfig fonts-cantarell fonts-dejavu-core"
# flatpak-builder runs appstream-compose inside the Sdk when the app installs metainfo.
sdk_packages="build-essential pkg-config meson ninja-build gettext desktop-file-utils
  appstream appstream-util libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libgtksourceview-5-dev libsqlite3-dev libjson-glib-dev libepoxy-dev"

say() { printf '[flatpak-check %4ds] %s\n' "$SECONDS" "$*"; }

install_host_packages() {
  local missing=""
  for p in $host_packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# need (build-aux/need.sh) stops at once, naming the package, when a host program
# is missing: better than flatpak-builder failing after the runtime is built.
. "$top/build-aux/need.sh"

mirror() {
  local m
  m=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

rootfs=$work/rootfs
repo=$work/repo

in_root() { chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

cleanup_mounts() {
  if mountpoint -q "$rootfs/proc" 2>/dev/null; then umount "$rootfs/proc"; fi
}
trap cleanup_mounts EXIT

# Turns the rootfs into a runtime tree: /usr becomes files/, /etc files/etc.
make_tree() {
  local name=$1 id=$2 tree=$work/$1
  rm -rf "$tree"
  mkdir -p "$tree"
  cp -a "$rootfs/usr" "$tree/files"
  cp -a "$rootfs/etc" "$tree/files/etc"
  rm -rf "$tree/files/etc/apt" "$tree/files/etc/resolv.conf" "$tree/files/etc/machine-id" \
         "$tree/files/etc/mtab" "$tree/files/etc/hostname" "$tree/files/share/man"
  # flatpak regenerates the app's ld.so.cache only when /usr/bin/ldconfig exists,
  # and that ldconfig reads /etc/ld.so.conf alone, so it must name /app/lib.
  ln -sf ../sbin/ldconfig "$tree/files/bin/ldconfig"
  printf '%s\n' 'include /run/flatpak/ld.so.conf.d/app-*.conf' '/app/lib' \
    "/app/lib/$arch-linux-gnu" 'include /run/flatpak/ld.so.conf.d/runtime-*.conf' \
    'include /usr/etc/ld.so.conf.d/*.conf' > "$tree/files/etc/ld.so.conf"
  cat > "$tree/metadata" <<META
[Runtime]
name=$id
runtime=$runtime_prefix.Platform/$arch/$branch
sdk=$runtime_prefix.Sdk/$arch/$branch
META
  # --files=files: build-export takes usr/ by default.
  flatpak build-export --runtime --files=files --no-update-summary "$repo" "$tree" "$branch" \
    > "$work/export-$name.log" 2>&1
}

build_runtime() {
  local stamp=$work/runtime.stamp want
  want=$(printf '%s\n' "$platform_packages" "$sdk_packages" | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$repo/objects" ]; then
    say "runtime cached ($want)"
    return 0
  fi
  say "debootstrap bookworm"
  cleanup_mounts
  rm -rf "$rootfs" "$repo" "$work/platform" "$work/sdk"
  mkdir -p "$work"
  debootstrap --variant=minbase --merged-usr bookworm "$rootfs" "$(mirror)" > "$work/debootstrap.log" 2>&1
  printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
    > "$rootfs/etc/apt/apt.conf.d/99strata"
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  mount -t proc proc "$rootfs/proc"
  ostree --repo="$repo" init --mode=archive-z2
  ostree config --repo="$repo" set archive.zlib-level 1
  say "Platform packages"
  in_root apt-get update -qq > "$work/apt.log" 2>&1
  in_root apt-get install -y $platform_packages >> "$work/apt.log" 2>&1
  in_root apt-get clean
  make_tree platform "$runtime_prefix.Platform"
  say "Sdk packages"
  in_root apt-get install -y $sdk_packages >> "$work/apt.log" 2>&1
  in_root apt-get clean
  make_tree sdk "$runtime_prefix.Sdk"
  cleanup_mounts
  flatpak build-update-repo "$repo" > /dev/null
  echo "$want" > "$stamp"
}

install_runtime() {
  flatpak remote-add --user --no-gpg-verify --if-not-exists strata-local "file://$repo"
  flatpak remote-modify --user --no-gpg-verify --url="file://$repo" strata-local
  flatpak install --user -y --noninteractive --or-update strata-local \
    "runtime/$runtime_prefix.Platform/$arch/$branch" "runtime/$runtime_prefix.Sdk/$arch/$branch" \
    > "$work/install-runtime.log" 2>&1
}

# The same manifest, with only the runtime names and version swapped.
local_manifest() {
  python3 - "$top/flatpak/$app_id.json" "$work/$app_id.json" "$runtime_prefix" "$branch" "$top" <<'PY'
import json, sys
src, dst, prefix, branch, top = sys.argv[1:]
m = json.load(open(src))
m["runtime"], m["sdk"], m["runtime-version"] = prefix + ".Platform", prefix + ".Sdk", branch
# Debian's meson picks lib/<multiarch>; flatpak build only looks in /app/lib.
m.setdefault("build-options", {})["libdir"] = "/app/lib"
for module in m["modules"]:
    for source in module.get("sources", []):
        if source.get("type") == "dir":
            source["path"] = top
json.dump(m, open(dst, "w"), indent=2)
PY
}

build_app() {
  say "flatpak-builder"
  (cd "$work" && flatpak-builder --user --install --force-clean --disable-rofiles-fuse \
     --repo=app-repo builddir "$app_id.json" > "$work/builder.log" 2>&1) ||
    { tail -40 "$work/builder.log" >&2; exit 1; }
  say "bundle, then install from it"
  flatpak build-bundle "$work/app-repo" "$work/strata.flatpak" "$app_id" master
  flatpak uninstall --user -y --noninteractive "$app_id" > /dev/null
  flatpak install --user -y --noninteractive --bundle "$work/strata.flatpak" > "$work/install-app.log" 2>&1
}

check_cli() {
  local project=$work/example
  rm -rf "$project"
  cp -r "$top/migrations" "$project"
  rm -f "$project"/*.db*
  say "strata-cli upgrade head inside the sandbox"
  # The user grants the folder, as the file chooser portal would.
  flatpak run --user --filesystem="$project" --command=strata-cli "$app_id" -C "$project" upgrade head
  local got
  got=$(sqlite3 "$project/maker_hub.db" 'SELECT version_num FROM alembic_version')
  [ "$got" = "8c6e3a0f1b25" ] || { echo "flatpak-check: expected head 8c6e3a0f1b25, got '$got'" >&2; exit 1; }
  say "database at $got"
}

check_gui() {
  say "GUI under Xvfb"
  local shot=$work/shot.png
  rm -f "$shot"
  export XDG_RUNTIME_DIR=$work/xdg-runtime
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  STRATA_TEST_SCREEN=1280x800x24 "$top/build-aux/with-display.sh" bash -c '
    flatpak run --user --filesystem="$1" '"$app_id"' "$1" > "$2/gui.log" 2>&1 &
    pid=$!
    for i in $(seq 1 40); do sleep 0.5; kill -0 $pid 2>/dev/null || break; done
    import -window root "$3"
    kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' _ "$work/example" "$work" "$shot"
  [ -s "$shot" ] || { echo "flatpak-check: no screenshot" >&2; cat "$work/gui.log" >&2; exit 1; }
  # An empty screen has a colour or two; the window has hundreds.
  local colours
  colours=$(identify -format '%k' "$shot")
  if [ "$colours" -lt 50 ]; then
    echo "flatpak-check: the screenshot shows no window ($colours colours)" >&2
    cat "$work/gui.log" >&2
    exit 1
  fi
  say "screenshot: $shot"
}

install_host_packages
need flatpak-check $host_programs
# build-aux/dev.sh test installs and checks the host before its first stage.
[ "${1:-}" = --prepare-host ] && exit 0
build_runtime
install_runtime
local_manifest
build_app
check_cli
check_gui
say "flatpak built, installed from a bundle, CLI and GUI ran"
