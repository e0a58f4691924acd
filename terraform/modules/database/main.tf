# Cloud SQL for PostgreSQL on a private IP only, with daily backups and point-in-time recovery.
# The generated password and the DATABASE_URL built from it live in Secret Manager; nothing
# reads them from Terraform outputs.

resource "random_password" "app" {
  length  = 32
  special = false
}

resource "google_sql_database_instance" "this" {
  #checkov:skip=CKV_GCP_6:TLS is enforced on every connection (ssl_mode ENCRYPTED_ONLY); client certificates add nothing on a private-IP-only instance reached from our VPC with a Secret Manager password.
  project             = var.project
  name                = var.name
  region              = var.region
  database_version    = var.database_version
  deletion_protection = var.deletion_protection
  encryption_key_name = var.kms_key_name

  settings {
    tier              = var.tier
    availability_type = var.high_availability ? "REGIONAL" : "ZONAL"
    disk_type         = "PD_SSD"
    disk_size         = var.disk_size_gb
    disk_autoresize   = true
    edition           = "ENTERPRISE"

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_self_link
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = false
    }

    backup_configuration {
      enabled                        = true
      start_time                     = var.backup_start_time
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = var.pitr_days
      backup_retention_settings {
        retained_backups = var.retained_backups
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7
      hour         = 3
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = false
      record_client_address   = false
    }

    # Audit-grade logging (each flag is a CIS benchmark item for Cloud SQL PostgreSQL).
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_min_messages"
      value = "error"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "log_duration"
      value = "on"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }

    user_labels = var.labels
  }

  depends_on = [var.private_services_connection]
}

resource "google_sql_database" "app" {
  project  = var.project
  instance = google_sql_database_instance.this.name
  name     = var.database_name
}

resource "google_sql_user" "app" {
  project  = var.project
  instance = google_sql_database_instance.this.name
  name     = var.user_name
  password = random_password.app.result
}

resource "google_secret_manager_secret" "password" {
  project   = var.project
  secret_id = "${var.name}-password"
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

resource "google_secret_manager_secret_version" "password" {
  secret      = google_secret_manager_secret.password.id
  secret_data = random_password.app.result
}

# What the API and workers read as DATABASE_URL. The connection is encrypted (ENCRYPTED_ONLY);
# `no-verify` because Cloud SQL's per-instance CA is not in Node's trust store and the address
# is a private IP inside our VPC.
resource "google_secret_manager_secret" "url" {
  project   = var.project
  secret_id = "${var.name}-url"
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

resource "google_secret_manager_secret_version" "url" {
  secret = google_secret_manager_secret.url.id
  secret_data = format(
    "postgres://%s:%s@%s:5432/%s?sslmode=no-verify", #checkov:skip=CKV_SECRET_4:a format template with placeholders, no credential in it
    var.user_name, random_password.app.result, google_sql_database_instance.this.private_ip_address, var.database_name,
  )
}
