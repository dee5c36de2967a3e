#!/usr/bin/env bash
# Installs (once) the gateways the `peers` benchmark compares Palisade with, at pinned versions,
# into the project cache (never into the repository), and prints one line per peer: its name,
# its version and the program to start it with.
#
# Usage: scripts/peers.sh [portkey,litellm]     default: $BENCH_PEERS, else portkey
# LiteLLM's proxy is opt-in: its install takes minutes. Later runs install nothing.
set -euo pipefail

portkey_version=1.15.2
# Portkey's own lockfile for that release pins these; what npm resolves from the package's ranges
# today (@hono/node-server 1.19) fails every streamed request with "TypeError: immutable".
portkey_pins=(@hono/node-server@1.13.5 @hono/node-ws@1.2.0 hono@4.9.7)
# The newest release whose proxy extra resolves from the package registry as this project reaches it
# (later ones need packages it does not serve).
litellm_version=1.108.0

peers_dir="$HOME/.cache/palisade/peers"
wanted=${1:-${BENCH_PEERS:-portkey}}

log() { printf 'peers.sh: %s\n' "$*" >&2; }

ensure_portkey() {
  local dir="$peers_dir/portkey"
  local pkg="$dir/node_modules/@portkey-ai/gateway/package.json"
  local want="@portkey-ai/gateway@$portkey_version ${portkey_pins[*]}"
  local stamp="$dir/.palisade-peer"
  if ! [[ -f $pkg && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    mkdir -p "$dir"
    # Concurrent runs would both write the folder; the second one waits and finds it installed.
    exec 9>"$dir/.lock"
    flock 9
    if ! [[ -f $pkg && -f $stamp && $(cat "$stamp") == "$want" ]]; then
      log "installing $want into $dir (first run only)"
      npm install --prefix "$dir" --no-audit --no-fund --save-exact --no-update-notifier --loglevel=error "@portkey-ai/gateway@$portkey_version" "${portkey_pins[@]}" >&2
      node -e "process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)" "$pkg" "$portkey_version" ||
        { log "installed $dir but it does not hold @portkey-ai/gateway@$portkey_version"; exit 1; }
      printf '%s\n' "$want" >"$stamp"
    fi
    exec 9>&-
  fi
  local main
  main=$(node -e 'const p = require(process.argv[1]); const b = typeof p.bin === "string" ? p.bin : Object.values(p.bin ?? {})[0] ?? p.main; console.log(require("node:path").resolve(require("node:path").dirname(process.argv[1]), b))' "$pkg")
  echo "portkey $portkey_version $main"
}

ensure_litellm() {
  local venv="$peers_dir/litellm-venv"
  local stamp="$venv/.palisade-peer"
  local want="litellm[proxy]==$litellm_version"
  if ! [[ -x $venv/bin/litellm && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    mkdir -p "$peers_dir"
    exec 8>"$peers_dir/.litellm.lock"
    flock 8
    if ! [[ -x $venv/bin/litellm && -f $stamp && $(cat "$stamp") == "$want" ]]; then
      local python=${PYTHON:-python3.11}
      command -v "$python" >/dev/null || python=python3
      if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 9) else 1)'; then
        log "Python 3.9 or newer is required for LiteLLM ($python is $("$python" --version 2>&1))"
        exit 1
      fi
      log "installing $want into $venv (first run only; takes minutes)"
      [[ -x $venv/bin/python ]] || "$python" -m venv "$venv" >&2
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$want" >&2
      printf '%s\n' "$want" >"$stamp"
    fi
    exec 8>&-
  fi
  echo "litellm $litellm_version $venv/bin/litellm"
}

IFS=',' read -r -a names <<<"$wanted"
for name in "${names[@]}"; do
  case $name in
    portkey) ensure_portkey ;;
    litellm) ensure_litellm ;;
    '') ;;
    *) log "unknown peer '$name' (known: portkey, litellm)"; exit 2 ;;
  esac
done
