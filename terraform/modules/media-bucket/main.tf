# The bucket for every job's objects: inputs under `inputs/`, videos and posters under `jobs/`.
# Access is only through IAM and V4 signed URLs: uniform access, public access prevented.

resource "google_storage_bucket" "media" {
  project                     = var.project
  name                        = var.name
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Overwritten or deleted objects stay recoverable this long, then go.
  soft_delete_policy {
    retention_duration_seconds = var.soft_delete_days * 86400
  }

  logging {
    log_bucket = var.access_log_bucket
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  # Source images are only needed while their job runs (and for a retry).
  lifecycle_rule {
    condition {
      age            = var.input_retention_days
      matches_prefix = ["inputs/"]
    }
    action {
      type = "Delete"
    }
  }

  # Videos and posters: colder storage after a while, then deleted.
  dynamic "lifecycle_rule" {
    for_each = var.output_nearline_after_days == null ? [] : [var.output_nearline_after_days]
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = ["jobs/"]
      }
      action {
        type          = "SetStorageClass"
        storage_class = "NEARLINE"
      }
    }
  }

  lifecycle_rule {
    condition {
      age            = var.output_retention_days
      matches_prefix = ["jobs/"]
    }
    action {
      type = "Delete"
    }
  }

  # Versioning keeps overwritten copies; they go after a few days.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # The web UI's <video> player loads signed URLs from another origin (range requests).
  cors {
    origin          = var.cors_origins
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag"]
    max_age_seconds = 3600
  }

  labels = var.labels
}
