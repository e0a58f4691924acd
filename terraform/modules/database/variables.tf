variable "project" {
  description = "GCP project id that owns the instance."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Region of the instance and of the secrets' replica."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "name" {
  description = "Instance name; the secrets are named after it."
  type        = string
  default     = "vivid-db"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,60}[a-z0-9])?$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "database_version" {
  description = "Cloud SQL PostgreSQL version."
  type        = string
  default     = "POSTGRES_18"

  validation {
    condition     = can(regex("^POSTGRES_(1[5-9])$", var.database_version))
    error_message = "database_version must be POSTGRES_15 or newer."
  }
}

variable "tier" {
  description = "Machine tier, e.g. db-custom-2-7680."
  type        = string
  default     = "db-custom-2-7680"

  validation {
    condition     = can(regex("^db-", var.tier))
    error_message = "tier must be a Cloud SQL tier such as db-custom-2-7680."
  }
}

variable "high_availability" {
  description = "REGIONAL (a standby in another zone) instead of ZONAL."
  type        = bool
  default     = true
}

variable "disk_size_gb" {
  description = "Initial disk size; it grows automatically."
  type        = number
  default     = 20

  validation {
    condition     = var.disk_size_gb >= 10
    error_message = "disk_size_gb must be at least 10."
  }
}

variable "network_self_link" {
  description = "Self link of the VPC the private IP is allocated in (network module)."
  type        = string

  validation {
    condition     = can(regex("^(https://www\\.googleapis\\.com/compute/v1/)?projects/[^/]+/global/networks/[^/]+$", var.network_self_link))
    error_message = "network_self_link must be the VPC (network module)."
  }
}

variable "private_services_connection" {
  description = "Id of the private services peering; the instance waits for it."
  type        = string

  validation {
    condition     = length(var.private_services_connection) > 0
    error_message = "private_services_connection must be the network module output."
  }
}

variable "backup_start_time" {
  description = "Daily backup start, HH:MM in UTC."
  type        = string
  default     = "02:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_start_time))
    error_message = "backup_start_time must be HH:MM (UTC)."
  }
}

variable "retained_backups" {
  description = "Number of daily backups kept."
  type        = number
  default     = 14

  validation {
    condition     = var.retained_backups >= 1 && var.retained_backups <= 365
    error_message = "retained_backups must be 1-365."
  }
}

variable "pitr_days" {
  description = "Days of transaction logs kept for point-in-time recovery (1-7)."
  type        = number
  default     = 7

  validation {
    condition     = var.pitr_days >= 1 && var.pitr_days <= 7
    error_message = "pitr_days must be 1-7."
  }
}

variable "database_name" {
  description = "The application database."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase Postgres identifier."
  }
}

variable "user_name" {
  description = "The application's database user."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.user_name))
    error_message = "user_name must be a lowercase Postgres identifier."
  }
}

variable "kms_key_name" {
  description = "Cloud KMS key for the instance and its secrets (CMEK); null: Google-managed keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be projects/P/locations/L/keyRings/R/cryptoKeys/K or null."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance from Terraform."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels on the instance and secrets."
  type        = map(string)
  default     = {}
}
