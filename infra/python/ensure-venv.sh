#!/usr/bin/env bash
# Creates or refreshes the project-local Python environment (.venv) from the pinned
# requirement files. Re-running with unchanged pins costs one hash comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${VIVID_VENV:-$root/.venv}"
# requirements-wan.txt comes first so that its torch pin (a CPU wheel) decides which torch is installed.
files=("$root/infra/python/requirements-wan.txt" "$root/infra/python/requirements-tools.txt" "$root/infra/python/requirements-test.txt")
# `ensure-venv.sh VENV REQUIREMENTS...`: another venv from other pins (ensure-deploy-venv.sh).
if [ "$#" -ge 2 ]; then venv="$1"; files=("${@:2}"); fi
stamp="$venv/.vivid-requirements.sha256"
want="$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "vivid: Python 3.10 or newer is needed for the project's tools (set PYTHON to one)" >&2
  exit 1
fi
echo "vivid: installing the pinned Python tools into $venv (first run: about a minute) ..." >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
args=()
for f in "${files[@]}"; do args+=(-r "$f"); done
# Not quiet: a first install takes a minute or more, and pip's own lines show it moving.
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar on "${args[@]}" >&2
echo "$want" > "$stamp"
echo "vivid: Python tools ready" >&2
