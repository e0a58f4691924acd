variable "project" {
  description = "GCP project id."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Region of the managed instance group."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "name" {
  description = "Pool name, e.g. vivid-wan-h100: the MIG, its VMs' base name and its label."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$", var.name))
    error_message = "name must be a lowercase label of at most 42 characters."
  }
}

variable "zones" {
  description = "Zones of the region that offer this GPU type."
  type        = list(string)

  validation {
    condition     = length(var.zones) > 0 && alltrue([for z in var.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))])
    error_message = "zones must be one or more zone names such as us-central1-a."
  }
}

variable "machine_type" {
  description = "Machine type: g2-standard-* (L4), a2-ultragpu-1g (A100 80GB), a3-highgpu-1g (H100 80GB), g4-standard-48 (RTX PRO 6000), or n1-* with attached GPUs."
  type        = string

  validation {
    condition     = can(regex("^(a2|a3|g2|g4|n1)-", var.machine_type))
    error_message = "machine_type must be a GPU machine family: a2-, a3-, g2-, g4- or n1- (with gpu_type attached)."
  }
}

variable "gpu_type" {
  description = "Accelerator type of the pool (attached on N1; informational on accelerator-optimized types)."
  type        = string

  validation {
    condition     = contains(["nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-rtx-pro-6000", "nvidia-tesla-t4"], var.gpu_type)
    error_message = "gpu_type must be nvidia-l4, nvidia-a100-80gb, nvidia-h100-80gb, nvidia-rtx-pro-6000 or nvidia-tesla-t4."
  }
}

variable "gpus_per_vm" {
  description = "GPUs per VM: one Wan runtime and one concurrent render each (WAN_DEVICES=0..n-1)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 4, 8], var.gpus_per_vm)
    error_message = "gpus_per_vm must be 1, 2, 4 or 8."
  }
}

variable "spot" {
  description = "Spot VMs (cheaper; preempted with a 30 s warning, so shutdown_grace_seconds must stay under it)."
  type        = bool
  default     = false
}

variable "shutdown_grace_seconds" {
  description = "WAN_SHUTDOWN_GRACE_SECONDS: a stopping VM lets renders run this long, then hands them back to Temporal. Must fit the shutdown window: under 27 s on Spot (30 s notice), under 87 s otherwise (90 s for shutdown scripts)."
  type        = number
  default     = 20

  validation {
    condition     = var.shutdown_grace_seconds >= 0 && var.shutdown_grace_seconds < (var.spot ? 27 : 87)
    error_message = "shutdown_grace_seconds must be under 27 on Spot VMs (30 s notice, 3 s to hand back) and under 87 otherwise."
  }
}

variable "task_queue" {
  description = "The pool's own task queue (WAN_TASK_QUEUE), e.g. vivid-wan-h100-v1."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{0,199}$", var.task_queue))
    error_message = "task_queue must be lowercase letters, digits, dots, hyphens and underscores."
  }
}

variable "min_vms" {
  description = "Size the group starts at; the pool scaler then owns the size (between its own min and max)."
  type        = number
  default     = 0

  validation {
    condition     = var.min_vms >= 0
    error_message = "min_vms must be 0 or more."
  }
}

variable "image" {
  description = "Wan worker image, by digest, in Artifact Registry."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]+-docker\\.pkg\\.dev/.+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be an Artifact Registry image pinned by digest (REGION-docker.pkg.dev/…@sha256:<64 hex>)."
  }
}

variable "boot_image" {
  description = "Container-Optimized OS image (GPU drivers from cos-extensions)."
  type        = string
  default     = "projects/cos-cloud/global/images/family/cos-stable"

  validation {
    condition     = can(regex("^projects/cos-cloud/", var.boot_image))
    error_message = "boot_image must be a Container-Optimized OS image (projects/cos-cloud/…): the boot script installs the driver with cos-extensions."
  }
}

variable "disk_gb" {
  description = "Boot disk size; the weights (about 80 GB for 14B) are synced onto it."
  type        = number
  default     = 200

  validation {
    condition     = var.disk_gb >= 100
    error_message = "disk_gb must be at least 100 (the image plus the weights)."
  }
}

variable "disk_type" {
  description = "Boot disk type (hyperdisk-balanced on a3/g4, pd-ssd on a2/g2/n1)."
  type        = string
  default     = "pd-ssd"

  validation {
    condition     = contains(["pd-ssd", "pd-balanced", "hyperdisk-balanced"], var.disk_type)
    error_message = "disk_type must be pd-ssd, pd-balanced or hyperdisk-balanced."
  }
}

variable "kms_key_self_link" {
  description = "Cloud KMS key for the boot disks (CMEK); null: Google-managed keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_self_link == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_self_link))
    error_message = "kms_key_self_link must be projects/P/locations/L/keyRings/R/cryptoKeys/K or null."
  }
}

variable "service_account" {
  description = "Email of the wan service account (identities module)."
  type        = string

  validation {
    condition     = can(regex("@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.service_account))
    error_message = "service_account must be a service account email."
  }
}

variable "subnet_id" {
  description = "Subnet the VMs join (no external addresses)."
  type        = string

  validation {
    condition     = can(regex("^(https://www\\.googleapis\\.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnet_id))
    error_message = "subnet_id must be projects/P/regions/R/subnetworks/S (network module)."
  }
}

variable "network_tag" {
  description = "Network tag that lets the health checks in (network module's worker_tag)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.network_tag))
    error_message = "network_tag must be a lowercase RFC 1035 label."
  }
}

variable "env" {
  description = "Plain environment of the worker container (TEMPORAL_ADDRESS, GCS_BUCKET, WAN_MODEL_DIR, …)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Container environment read from Secret Manager at boot: NAME => secret id."
  type        = map(string)
  default     = {}
}

variable "secret_files" {
  description = "Secrets written to files at boot and mounted under /secrets: NAME => secret id; NAME is set to the file's path (e.g. TEMPORAL_TLS_CERT_FILE)."
  type        = map(string)
  default     = {}
}

variable "health_port" {
  description = "Port of the worker's /healthz and /metrics (VIVID_METRICS_PORT)."
  type        = number
  default     = 9464

  validation {
    condition     = var.health_port >= 1024 && var.health_port <= 65535
    error_message = "health_port must be 1024-65535."
  }
}

variable "boot_seconds" {
  description = "Seconds a new VM gets (driver, image pull, weights sync, model load) before auto-healing checks it."
  type        = number
  default     = 1800

  validation {
    condition     = var.boot_seconds >= 60 && var.boot_seconds <= 3600
    error_message = "boot_seconds must be 60-3600."
  }
}

variable "labels" {
  description = "Labels on the VMs."
  type        = map(string)
  default     = {}
}
