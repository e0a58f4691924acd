# syntax=docker/dockerfile:1
# The Wan GPU worker image (build context: the repo root):
#   docker build -f infra/docker/wan.Dockerfile -t vivid-wan .
# CUDA runtime base, torch's CUDA wheel, the Python runtime (infra/engines/wan/runtime), Node 24.
# Weights are not in the image: WAN_MODEL_DIR=gs://… is synced onto /data at first start.

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS node
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04@sha256:ebef3c171eeef0298e4eb2e4be843105edf3b8b0ac45e0b43acee358e8046867 AS cuda

FROM node AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

# The Python runtime: torch's CUDA 12.8 wheel first, then the pinned rest (whose torch pin the
# CUDA build of the same version already satisfies).
FROM cuda AS python
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY infra/python/requirements-wan.txt /tmp/requirements-wan.txt
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cu128 torch==2.13.0 \
 && /app/.venv/bin/pip install --no-cache-dir -r /tmp/requirements-wan.txt

FROM cuda AS wan
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vivid \
 && useradd --system --uid 10001 --gid vivid --home-dir /data --no-create-home vivid \
 && mkdir -p /data && chown vivid:vivid /data
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=python /app/.venv ./.venv
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY infra ./infra
COPY workers ./workers
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    VIVID_DATA_DIR=/data \
    VIVID_METRICS_PORT=9464 \
    VIVID_TEMPORAL_METRICS_PORT=9465 \
    WAN_DEVICES=auto \
    METADATA_SERVER_DETECTION=assume-present
EXPOSE 9464 9465
USER 10001:10001
# Start-up syncs the weights and loads the model (minutes): /healthz answers once it polls.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30m --retries=3 CMD ["node", "infra/docker/healthcheck.mjs", "9464"]
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["workers/wan-main.ts"]
