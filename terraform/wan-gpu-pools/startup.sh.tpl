#!/usr/bin/env bash
# Boot script of a Wan GPU worker VM (rendered by terraform). Idempotent: a reboot re-runs it.
set -euo pipefail
exec > >(tee -a /var/log/vivid-wan-startup.log) 2>&1

apt-get update -qq
apt-get install -y -qq --no-install-recommends git python3-venv ffmpeg ca-certificates

# Node 24 comes from the npm registry's `node` package via `npm ci`; any npm will do to run it.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm

id vivid >/dev/null 2>&1 || useradd --system --create-home --home-dir /opt/vivid vivid
cd /opt/vivid
[ -d app/.git ] || sudo -u vivid git clone --quiet "${repo_url}" app
cd app
sudo -u vivid git fetch --quiet origin "${repo_ref}"
sudo -u vivid git checkout --quiet --force "${repo_ref}"
sudo -u vivid npm ci --no-audit --no-fund --loglevel=error
sudo -u vivid npm run setup --silent
# The pinned torch is the CPU wheel; on a GPU VM install the CUDA build of the same version.
sudo -u vivid .venv/bin/pip install --quiet --upgrade --force-reinstall --no-deps \
  --index-url https://download.pytorch.org/whl/cu128 "torch==$(sudo -u vivid .venv/bin/python -c 'import torch; print(torch.__version__.split("+")[0])')"

cat > /etc/systemd/system/vivid-wan.service <<UNIT
[Unit]
Description=Vivid Flow Wan 2.1 GPU worker
After=network-online.target
Wants=network-online.target

[Service]
User=vivid
WorkingDirectory=/opt/vivid/app
Environment=TEMPORAL_ADDRESS=${temporal_address}
Environment=TEMPORAL_NAMESPACE=${temporal_namespace}
Environment=WAN_TASK_QUEUE=${task_queue}
Environment=WAN_MODEL_DIR=${model_dir}
Environment=WAN_DEVICES=${devices}
Environment=WAN_CPU_OFFLOAD=${cpu_offload}
Environment=WAN_SHUTDOWN_GRACE_SECONDS=${shutdown_grace_seconds}
Environment=GCS_BUCKET=${media_bucket}
Environment=VIVID_DATA_DIR=/opt/vivid/data
Environment=METADATA_SERVER_DETECTION=assume-present
ExecStart=/usr/bin/npm run worker:wan --silent
# SIGTERM: stop polling, let renders finish for the grace time, hand the rest back to Temporal.
KillSignal=SIGTERM
TimeoutStopSec=${shutdown_grace_seconds + 20}
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now vivid-wan.service
