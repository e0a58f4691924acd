# The service's own secrets in Secret Manager: the URL-signing secret (generated here) and the
# Temporal credentials for the chosen auth mode. Services read them as env vars or files at start.

locals {
  temporal_secrets = {
    none    = []
    api_key = ["temporal-api-key"]
    mtls    = ["temporal-tls-cert", "temporal-tls-key"]
  }[var.temporal_auth]
  secret_ids = toset(concat(["url-signing-secret"], local.temporal_secrets))
  values = {
    "url-signing-secret" = random_password.url_signing.result
    "temporal-api-key"   = var.temporal_api_key
    "temporal-tls-cert"  = var.temporal_tls_cert
    "temporal-tls-key"   = var.temporal_tls_key
  }
}

# Rotate by tainting this resource (docs/runbook.md): a new version, then a rolling restart.
resource "random_password" "url_signing" {
  length  = 48
  special = false
}

resource "google_secret_manager_secret" "this" {
  for_each  = local.secret_ids
  project   = var.project
  secret_id = "${var.prefix}-${each.key}"
  labels    = var.labels

  replication {
    user_managed {
      replicas {
        location = var.region
        dynamic "customer_managed_encryption" {
          for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
          content {
            kms_key_name = customer_managed_encryption.value
          }
        }
      }
    }
  }
}

resource "google_secret_manager_secret_version" "this" {
  for_each    = local.secret_ids
  secret      = google_secret_manager_secret.this[each.key].id
  secret_data = local.values[each.key]
}
