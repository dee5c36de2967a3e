# Sourced by the scripts that make sure a Debian package's program is installed (redis.sh,
# chromium.sh). Defines apt_ensure.
#
# apt_ensure PACKAGE PROGRAM [AFTER_INSTALL]
#   Prints the path of PROGRAM, installing PACKAGE with apt-get when PROGRAM is missing (root and
#   apt-get needed, as on CI and the development machines). AFTER_INSTALL, when given, is a
#   command run once right after a fresh install. Idempotent: once PROGRAM is on PATH this is
#   instant. apt-get's output goes to $HOME/.cache/palisade/apt-PACKAGE.log.

apt_find() {
  command -v "$1" 2>/dev/null || { [[ -x /usr/bin/$1 ]] && echo "/usr/bin/$1"; } || true
}

apt_ensure() {
  local package=$1 program=$2 after=${3:-} path
  path=$(apt_find "$program")
  if [[ -n $path ]]; then
    echo "$path"
    return
  fi
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    printf '%s is not installed; install it (Debian: apt-get install -y --no-install-recommends %s) and run again\n' "$program" "$package" >&2
    return 1
  fi
  local cache="$HOME/.cache/palisade"
  mkdir -p "$cache"
  # Two runs may install at once; dpkg's own lock would make the second fail instead of wait.
  exec 9>"$cache/.$package-install.lock"
  flock 9
  path=$(apt_find "$program")
  if [[ -z $path ]]; then
    printf 'installing %s with apt-get (first run only)\n' "$package" >&2
    # The package list may be missing or stale on a fresh machine: update only when the install fails.
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" \
        || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package"; }; } \
      >"$cache/apt-$package.log" 2>&1 \
      || { cat "$cache/apt-$package.log" >&2; printf 'apt-get could not install %s\n' "$package" >&2; exec 9>&-; return 1; }
    if [[ -n $after ]]; then $after; fi
    path=$(apt_find "$program")
    [[ -n $path ]] || { printf '%s is still missing after installing %s\n' "$program" "$package" >&2; exec 9>&-; return 1; }
  fi
  exec 9>&-
  echo "$path"
}
