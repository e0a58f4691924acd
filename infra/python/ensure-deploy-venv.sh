#!/usr/bin/env bash
# The deploy lint tools' own Python environment (.venv-deploy) from requirements-deploy.txt.
# Separate from .venv: checkov pins many libraries of its own, and the Wan runtime's pins in
# .venv must not move.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec bash "$root/infra/python/ensure-venv.sh" "${VIVID_DEPLOY_VENV:-$root/.venv-deploy}" "$root/infra/python/requirements-deploy.txt"
