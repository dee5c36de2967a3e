#!/usr/bin/env bash
# Makes (once) the Python virtual environment the client-compatibility matrix runs its Python
# clients from, with exact versions so a new release cannot change what the matrix measures.
# Prints the environment's python. Fast when the environment already holds these versions.
set -euo pipefail

PACKAGES=(
  openai==3.63.0
  anthropic==2.17.0
  langchain-openai==1.8.1
  litellm==1.110.2
)

venv="$HOME/.cache/palisade/venv"
stamp="$venv/.palisade-clients"
want=$(printf '%s\n' "${PACKAGES[@]}")

if [[ -x $venv/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
  echo "ensure-python-clients: Python 3.11 or newer is required ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi

[[ -x $venv/bin/python ]] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}" >&2
printf '%s\n' "$want" >"$stamp"
echo "$venv/bin/python"
