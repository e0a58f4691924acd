variable "project" {
  description = "GCP project id."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Cloud Run region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "name" {
  description = "Service name."
  type        = string
  default     = "vivid-api"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", var.name))
    error_message = "name must be a lowercase label of at most 49 characters."
  }
}

variable "image" {
  description = "API image, by digest (…/vivid-api@sha256:…) so a deploy is exactly one build."
  type        = string

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest (ending in @sha256:<64 hex>)."
  }
}

variable "service_account" {
  description = "Email of the API's service account (identities module)."
  type        = string

  validation {
    condition     = can(regex("@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.service_account))
    error_message = "service_account must be a service account email."
  }
}

variable "network_id" {
  description = "VPC for direct egress to Cloud SQL's private IP."
  type        = string

  validation {
    condition     = can(regex("^(https://www\\.googleapis\\.com/compute/v1/)?projects/[^/]+/global/networks/[^/]+$", var.network_id))
    error_message = "network_id must be projects/P/global/networks/N (network module)."
  }
}

variable "subnet_id" {
  description = "Subnet for direct VPC egress."
  type        = string

  validation {
    condition     = can(regex("^(https://www\\.googleapis\\.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnet_id))
    error_message = "subnet_id must be projects/P/regions/R/subnetworks/S (network module)."
  }
}

variable "env" {
  description = "Plain environment variables (see README's configuration table)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager: NAME => secret id (latest version)."
  type        = map(string)
  default     = {}
}

variable "secret_files" {
  description = "Secrets mounted as files: NAME => secret id; NAME is set to the file's path (e.g. TEMPORAL_TLS_CERT_FILE)."
  type        = map(string)
  default     = {}
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "2"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.cpu)
    error_message = "cpu must be 1, 2, 4, 6 or 8."
  }
}

variable "memory" {
  description = "Memory per instance (uploads stream to storage, so 1-2 GiB suffices)."
  type        = string
  default     = "2Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must be like 512Mi or 2Gi."
  }
}

variable "concurrency" {
  description = "Concurrent requests per instance."
  type        = number
  default     = 80

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be 1-1000."
  }
}

variable "min_instances" {
  description = "Instances kept warm."
  type        = number
  default     = 1

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
  }
}

variable "max_instances" {
  description = "Upper bound of instances (and so of database connections: max_instances x DATABASE_POOL_SIZE)."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "domain" {
  description = "Custom domain served over HTTPS with a Google-managed certificate (verify it first); null: only the run.app URL."
  type        = string
  default     = null

  validation {
    condition     = var.domain == null || can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a DNS name such as api.vivid.example.com."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the service from Terraform."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels on the service."
  type        = map(string)
  default     = {}
}
