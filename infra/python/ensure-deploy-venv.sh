#!/usr/bin/env bash
# Creates or refreshes the deploy lint tools' own Python environment (.venv-deploy) from
# requirements-deploy.txt. Separate from .venv: checkov pins many libraries of its own, and the
# Wan runtime's pins in .venv must not move. Re-running with unchanged pins costs one hash comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${VIVID_DEPLOY_VENV:-$root/.venv-deploy}"
req="$root/infra/python/requirements-deploy.txt"
stamp="$venv/.vivid-requirements.sha256"
want="$(sha256sum < "$req" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "vivid: Python 3.10 or newer is needed for the deploy lint tools (set PYTHON to one)" >&2
  exit 1
fi
echo "vivid: installing the pinned deploy lint tools into $venv ..." >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar on -r "$req" >&2
echo "$want" > "$stamp"
echo "vivid: deploy lint tools ready" >&2
