#!/usr/bin/env bash
# Makes sure the Compose specification's JSON Schema is in Go's module cache (from the pinned compose-go module) and prints its path.
#
# Usage: scripts/ensure-compose-schema.sh     prints e.g. $HOME/go/pkg/mod/github.com/compose-spec/compose-go/v2@v2.16.2/schema/compose-spec.json
# Needs Go. The schema is the one Docker Compose itself validates with, so docker-compose.yml can be
# checked without installing a container engine; the download is a few hundred kilobytes, once.
set -euo pipefail

module=github.com/compose-spec/compose-go/v2
version=v2.16.2

log() { printf 'ensure-compose-schema.sh: %s\n' "$*" >&2; }

command -v go >/dev/null || { log "Go is required to fetch $module@$version"; exit 1; }
# Outside any module, so the project's own go.mod (if one appears) cannot change what is fetched.
dir=$(cd / && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
schema="$dir/schema/compose-spec.json"
[[ -n $dir && -f $schema ]] || { log "$module@$version has no schema/compose-spec.json"; exit 1; }
echo "$schema"
