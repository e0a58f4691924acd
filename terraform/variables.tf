variable "project" {
  description = "GCP project id to deploy into."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Region of every regional piece (Cloud Run, Cloud SQL, the bucket, the GPU pools, Vertex AI for Veo)."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "name" {
  description = "Prefix of every resource name (network, database, services, accounts, pools)."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}$", var.name))
    error_message = "name must be 1-15 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "media_bucket" {
  description = "Globally unique name of the media bucket (created)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.media_bucket))
    error_message = "media_bucket must be a valid GCS bucket name."
  }
}

variable "access_log_bucket" {
  description = "Existing bucket that receives the media bucket's usage logs."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be a GCS bucket name."
  }
}

variable "web_origins" {
  description = "Origins of the web UI (CORS for its video player)."
  type        = list(string)

  validation {
    condition     = length(var.web_origins) > 0 && alltrue([for o in var.web_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "web_origins must be one or more origins such as https://vivid.example.com."
  }
}

variable "kms_key_name" {
  description = "Cloud KMS key for the bucket, database, secrets and GPU disks (CMEK); null: Google-managed keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be projects/P/locations/L/keyRings/R/cryptoKeys/K or null."
  }
}

variable "image_repository" {
  description = "Artifact Registry repository (in var.region) holding the images."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_repository))
    error_message = "image_repository must be an Artifact Registry repository id."
  }
}

variable "images" {
  description = "The four images, each pinned by digest (README, \"Images\")."
  type = object({
    api     = string
    control = string
    veo     = string
    wan     = string
  })

  validation {
    condition     = alltrue([for i in values(var.images) : can(regex("@sha256:[0-9a-f]{64}$", i))])
    error_message = "every image must be pinned by digest (…@sha256:<64 hex>)."
  }
}

variable "control_build_id" {
  description = "Build id of the control image (e.g. the git commit): the control worker's Temporal worker-deployment version. Make it current after a rollout (docs/runbook.md)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.control_build_id))
    error_message = "control_build_id must be 1-255 letters, digits, dots, hyphens or underscores."
  }
}

variable "temporal" {
  description = "How every process reaches Temporal: address (host:port; Temporal Cloud: <ns>.<acct>.tmprl.cloud:7233 or the regional API-key endpoint), namespace, and auth: none (a private self-hosted frontend), api_key or mtls."
  type = object({
    address   = string
    namespace = string
    auth      = string
  })

  validation {
    condition     = can(regex("^[^:/]+:[0-9]{2,5}$", var.temporal.address))
    error_message = "temporal.address must be host:port."
  }

  validation {
    condition     = contains(["none", "api_key", "mtls"], var.temporal.auth)
    error_message = "temporal.auth must be none, api_key or mtls."
  }

  validation {
    condition     = length(var.temporal.namespace) > 0
    error_message = "temporal.namespace must not be empty."
  }
}

variable "temporal_api_key" {
  description = "Temporal Cloud API key when temporal.auth is api_key (stored in Secret Manager). Pass it with TF_VAR_temporal_api_key, not in a file."
  type        = string
  default     = ""
  sensitive   = true
}

variable "temporal_tls_cert" {
  description = "PEM client certificate when temporal.auth is mtls."
  type        = string
  default     = ""
  sensitive   = true
}

variable "temporal_tls_key" {
  description = "PEM client key when temporal.auth is mtls."
  type        = string
  default     = ""
  sensitive   = true
}

variable "database_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-2-7680"

  validation {
    condition     = can(regex("^db-", var.database_tier))
    error_message = "database_tier must be a Cloud SQL tier."
  }
}

variable "database_high_availability" {
  description = "A regional (HA) Cloud SQL instance."
  type        = bool
  default     = true
}

variable "api_domain" {
  description = "Custom HTTPS domain of the API (Google-managed certificate); null: the run.app URL only."
  type        = string
  default     = null

  validation {
    condition     = var.api_domain == null || can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.api_domain))
    error_message = "api_domain must be a DNS name."
  }
}

variable "api_min_instances" {
  description = "API instances kept warm."
  type        = number
  default     = 1

  validation {
    condition     = var.api_min_instances >= 0
    error_message = "api_min_instances must be 0 or more."
  }
}

variable "api_max_instances" {
  description = "Most API instances."
  type        = number
  default     = 10

  validation {
    condition     = var.api_max_instances >= 1
    error_message = "api_max_instances must be at least 1."
  }
}

variable "control_instances" {
  description = "Control worker instances."
  type        = number
  default     = 2

  validation {
    condition     = var.control_instances >= 1
    error_message = "control_instances must be at least 1."
  }
}

variable "veo_instances" {
  description = "Veo worker instances (stateless pollers of Vertex operations)."
  type        = number
  default     = 2

  validation {
    condition     = var.veo_instances >= 1
    error_message = "veo_instances must be at least 1."
  }
}

variable "wan_model_dir" {
  description = "WAN_MODEL_DIR: gs://bucket/prefix of the diffusers Wan 2.1 I2V 14B weights, synced onto each GPU VM at first boot."
  type        = string

  validation {
    condition     = can(regex("^gs://[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](/.*)?$", var.wan_model_dir))
    error_message = "wan_model_dir must be a gs://bucket/prefix URL."
  }
}

variable "gpu_pools" {
  description = "One pool per GPU type, each on its own task queue. gpus_per_vm renders run at once on a VM; the pool scaler keeps each pool between min_vms and max_vms."
  type = map(object({
    machine_type           = string
    gpu_type               = string
    gpus_per_vm            = optional(number, 1)
    zones                  = list(string)
    task_queue             = string
    min_vms                = optional(number, 0)
    max_vms                = number
    spot                   = optional(bool, false)
    shutdown_grace_seconds = optional(number, 20)
    cpu_offload            = optional(bool, false)
    disk_type              = optional(string, "pd-ssd")
  }))

  validation {
    condition     = length(var.gpu_pools) > 0
    error_message = "gpu_pools must name at least one pool."
  }

  validation {
    condition     = alltrue([for k, p in var.gpu_pools : can(regex("^[a-z][a-z0-9-]{0,15}$", k))])
    error_message = "gpu_pools keys must be 1-16 lowercase letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for p in values(var.gpu_pools) : p.min_vms >= 0 && p.max_vms >= p.min_vms && p.max_vms >= 1])
    error_message = "each pool needs 0 <= min_vms <= max_vms and max_vms >= 1."
  }

  validation {
    condition     = length(distinct([for p in values(var.gpu_pools) : p.task_queue])) == length(var.gpu_pools)
    error_message = "each pool must poll its own task_queue."
  }

  validation {
    condition     = alltrue([for p in values(var.gpu_pools) : p.shutdown_grace_seconds < (p.spot ? 27 : 87)])
    error_message = "shutdown_grace_seconds must be under 27 on Spot pools (30 s notice) and under 87 otherwise."
  }
}

variable "wan_default_pool" {
  description = "Key of the pool whose queue new wan2.1 jobs are routed to (the API's WAN_TASK_QUEUE)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.wan_default_pool))
    error_message = "wan_default_pool must be a key of gpu_pools."
  }
}

variable "labels" {
  description = "Labels on every labelled resource."
  type        = map(string)
  default     = {}
}
