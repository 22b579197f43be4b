# Sourced by dev.sh and flatpak-check.sh (POSIX sh, so both can).
# need WHAT PROGRAM:PACKAGE ...: stops with the list of what is missing and the
# package of each. A PROGRAM with a slash is a file.
need() {
  needed_by=$1; shift
  absent=""
  for pair in "$@"; do
    prog=${pair%%:*} package=${pair#*:}
    case $prog in
      */*) [ -e "$prog" ] ;;
      *) command -v "$prog" >/dev/null 2>&1 ;;
    esac || absent="$absent
  $prog, from the package $package"
  done
  [ -z "$absent" ] && return 0
  echo "$needed_by needs programs that are not installed:$absent" >&2
  echo "Install them (apt-get install …) and run the command again." >&2
  exit 1
}
