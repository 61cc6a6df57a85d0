# Shared by ./qemu-reactor and scripts/test: make sure Debian packages that provide the
# programs we run are installed. As root it installs them with apt-get; otherwise it prints the
# exact apt-get line and exits 2. Sourced, not run.

# present CHECK: a program on the PATH (or in /usr/sbin, /sbin), or "pkg=NAME" for a package
# that installs no program of its own name (busybox-static).
present() {
  case "$1" in
    pkg=*) dpkg-query -W -f='${Status}' "${1#pkg=}" 2>/dev/null | grep -q 'install ok installed' ;;
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
  esac
}

# require_programs "CHECK:package" ...
require_programs() {
  local missing_pkgs=() missing_progs=() pair prog pkg
  for pair in "$@"; do
    prog=${pair%%:*}
    pkg=${pair#*:}
    if ! present "$prog"; then
      missing_progs+=("$prog")
      case " ${missing_pkgs[*]} " in *" $pkg "*) ;; *) missing_pkgs+=("$pkg") ;; esac
    fi
  done
  [ ${#missing_pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "qemu-reactor: installing ${missing_pkgs[*]} (missing: ${missing_progs[*]})" >&2
    # apt-get update only when the package lists are empty (fresh images) or the install fails.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing_pkgs[@]}" >/tmp/qemu-reactor-apt.log 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -q >>/tmp/qemu-reactor-apt.log 2>&1 || true
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing_pkgs[@]}" >>/tmp/qemu-reactor-apt.log 2>&1; then
        echo "qemu-reactor: apt-get install ${missing_pkgs[*]} failed; see /tmp/qemu-reactor-apt.log" >&2
        exit 2
      fi
    fi
    return 0
  fi
  echo "qemu-reactor: missing ${missing_progs[*]}; install with: sudo apt-get install ${missing_pkgs[*]}" >&2
  exit 2
}
