#!/usr/bin/env bash
# A throwaway service-account key for compose only: @google-cloud/storage needs a private key to
# make V4 signed URLs, and the GCS emulator does not check signatures. Never use it on GCP.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/dev-key.json"
[ -f "$out" ] && exit 0
key="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"
node -e 'const [key, out] = process.argv.slice(1); require("fs").writeFileSync(out, JSON.stringify({ type: "service_account", project_id: "vivid-local", private_key_id: "compose", private_key: key, client_email: "compose@vivid-local.iam.gserviceaccount.com", client_id: "0", token_uri: "http://gcs:4443/token" }, null, 2), { mode: 0o600 })' "$key" "$out"
echo "wrote $out"
