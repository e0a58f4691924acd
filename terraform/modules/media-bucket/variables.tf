variable "project" {
  description = "GCP project id that owns the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "name" {
  description = "Globally unique bucket name (GCS_BUCKET)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.name)) && !can(regex("^goog", var.name))
    error_message = "name must be a valid GCS bucket name (3-63 lowercase letters, digits, dots, hyphens, underscores; not starting with goog)."
  }
}

variable "location" {
  description = "Bucket location: the service's region (e.g. us-central1) so GPU workers read and write in-region."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]+$", var.location))
    error_message = "location must be a GCS location such as us-central1 or US."
  }
}

variable "access_log_bucket" {
  description = "Bucket that receives this bucket's usage logs (must already exist)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be a GCS bucket name."
  }
}

variable "kms_key_name" {
  description = "Cloud KMS key (projects/…/cryptoKeys/…) for customer-managed encryption; null: Google-managed keys. GCS's service agent needs encrypter/decrypter on it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be projects/P/locations/L/keyRings/R/cryptoKeys/K or null."
  }
}

variable "input_retention_days" {
  description = "Days a source image under inputs/ is kept (it is only read while its job runs)."
  type        = number
  default     = 7

  validation {
    condition     = var.input_retention_days >= 1 && var.input_retention_days <= 365
    error_message = "input_retention_days must be 1-365."
  }
}

variable "output_retention_days" {
  description = "Days videos and posters under jobs/ are kept before deletion."
  type        = number
  default     = 90

  validation {
    condition     = var.output_retention_days >= 1
    error_message = "output_retention_days must be at least 1."
  }
}

variable "output_nearline_after_days" {
  description = "Move videos and posters to Nearline after this many days; null: keep them Standard."
  type        = number
  default     = 30

  validation {
    condition     = var.output_nearline_after_days == null || try(var.output_nearline_after_days >= 1, false)
    error_message = "output_nearline_after_days must be at least 1, or null."
  }
}

variable "noncurrent_retention_days" {
  description = "Days an overwritten (noncurrent) object version is kept."
  type        = number
  default     = 7

  validation {
    condition     = var.noncurrent_retention_days >= 1
    error_message = "noncurrent_retention_days must be at least 1."
  }
}

variable "soft_delete_days" {
  description = "Soft-delete window in days (0 turns it off; GCS allows 7-90 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.soft_delete_days == 0 || (var.soft_delete_days >= 7 && var.soft_delete_days <= 90)
    error_message = "soft_delete_days must be 0 or 7-90."
  }
}

variable "cors_origins" {
  description = "Origins of the web UI allowed to play signed video URLs, e.g. [\"https://vivid.example.com\"]."
  type        = list(string)

  validation {
    condition     = length(var.cors_origins) > 0 && alltrue([for o in var.cors_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "cors_origins must be one or more origins such as https://vivid.example.com (no path, no wildcard)."
  }
}

variable "labels" {
  description = "Labels on the bucket."
  type        = map(string)
  default     = {}
}
