variable "project" {
  description = "GCP project id that owns the secrets."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Region the secrets are replicated to."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "prefix" {
  description = "Prefix of every secret id."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.prefix))
    error_message = "prefix must be lowercase letters, digits and hyphens."
  }
}

variable "temporal_auth" {
  description = "How the processes authenticate to Temporal: none (a private self-hosted cluster), api_key (Temporal Cloud API key) or mtls (client certificate)."
  type        = string
  default     = "api_key"

  validation {
    condition     = contains(["none", "api_key", "mtls"], var.temporal_auth)
    error_message = "temporal_auth must be none, api_key or mtls."
  }
}

variable "temporal_api_key" {
  description = "Temporal Cloud API key (temporal_auth = api_key)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "temporal_tls_cert" {
  description = "PEM client certificate for Temporal mTLS (temporal_auth = mtls)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "temporal_tls_key" {
  description = "PEM private key for Temporal mTLS (temporal_auth = mtls)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "kms_key_name" {
  description = "Cloud KMS key for the secrets (CMEK); null: Google-managed keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be projects/P/locations/L/keyRings/R/cryptoKeys/K or null."
  }
}

variable "labels" {
  description = "Labels on the secrets."
  type        = map(string)
  default     = {}
}
