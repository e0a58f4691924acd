# syntax=docker/dockerfile:1
# The API, control worker and Veo worker images, one target each (build context: the repo root):
#   docker build -f infra/docker/node.Dockerfile --target api     -t vivid-api .
#   docker build -f infra/docker/node.Dockerfile --target control -t vivid-control .
#   docker build -f infra/docker/node.Dockerfile --target veo     -t vivid-veo .
# Bases are pinned by digest; refresh with `docker buildx imagetools inspect node:24-bookworm-slim`.

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS node

# Production dependencies only.
FROM node AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

# The workflow bundle, built once here so the control worker starts without webpack.
FROM deps AS bundle
COPY tsconfig.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY infra ./infra
COPY workers ./workers
RUN node --import tsx workers/build-workflow-bundle.ts

FROM node AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    VIVID_DATA_DIR=/data \
    METADATA_SERVER_DETECTION=assume-present
WORKDIR /app
RUN groupadd --system --gid 10001 vivid \
 && useradd --system --uid 10001 --gid vivid --home-dir /data --no-create-home vivid \
 && mkdir -p /data && chown vivid:vivid /data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY infra ./infra
COPY workers ./workers
COPY --from=bundle /app/dist ./dist
ENTRYPOINT ["node", "--import", "tsx"]

FROM runtime AS api
ENV PORT=8080
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "infra/docker/healthcheck.mjs", "8080"]
CMD ["workers/api-main.ts"]

FROM runtime AS control
ENV VIVID_METRICS_PORT=9464 \
    VIVID_TEMPORAL_METRICS_PORT=9465 \
    VIVID_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
EXPOSE 9464 9465
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "infra/docker/healthcheck.mjs", "9464"]
CMD ["workers/control-main.ts"]

# The Veo worker makes poster frames with the ffmpeg that pip's imageio-ffmpeg ships.
FROM runtime AS veo
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir imageio-ffmpeg==0.8.1
ENV VIVID_METRICS_PORT=9464 \
    VIVID_TEMPORAL_METRICS_PORT=9465
EXPOSE 9464 9465
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "infra/docker/healthcheck.mjs", "9464"]
CMD ["workers/veo-main.ts"]
