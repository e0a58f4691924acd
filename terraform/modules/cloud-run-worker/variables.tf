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
  description = "Worker pool name, e.g. vivid-control."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", var.name))
    error_message = "name must be a lowercase label of at most 49 characters."
  }
}

variable "image" {
  description = "Worker image, by digest."
  type        = string

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest (ending in @sha256:<64 hex>)."
  }
}

variable "args" {
  description = "Arguments replacing the image's CMD (the same image serves the control worker and the pool scaler); null: the image's CMD."
  type        = list(string)
  default     = null
}

variable "service_account" {
  description = "Email of this worker's service account (identities module)."
  type        = string

  validation {
    condition     = can(regex("@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.service_account))
    error_message = "service_account must be a service account email."
  }
}

variable "network_id" {
  description = "VPC for direct egress (Cloud SQL's private IP)."
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
  description = "Plain environment variables (README's configuration table)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager: NAME => secret id (latest version)."
  type        = map(string)
  default     = {}
}

variable "secret_files" {
  description = "Secrets mounted as files: NAME => secret id; NAME is set to the file's path."
  type        = map(string)
  default     = {}
}

variable "instances" {
  description = "Worker instances (each polls its task queue)."
  type        = number
  default     = 2

  validation {
    condition     = var.instances >= 1 && var.instances <= 100
    error_message = "instances must be 1-100."
  }
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.cpu)
    error_message = "cpu must be 1, 2, 4, 6 or 8."
  }
}

variable "memory" {
  description = "Memory per instance."
  type        = string
  default     = "1Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must be like 512Mi or 2Gi."
  }
}

variable "health_port" {
  description = "Port of the worker's /healthz, /readyz and /metrics (VIVID_METRICS_PORT)."
  type        = number
  default     = 9464

  validation {
    condition     = var.health_port >= 1024 && var.health_port <= 65535
    error_message = "health_port must be 1024-65535."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the worker pool from Terraform."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels on the worker pool."
  type        = map(string)
  default     = {}
}
