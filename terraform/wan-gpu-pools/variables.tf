variable "project" {
  description = "GCP project of the GPU pools."
  type        = string
}

variable "region" {
  description = "Region of the pools (each pool's zones are chosen within it)."
  type        = string
  default     = "us-central1"
}

variable "network" {
  description = "VPC the workers join; it must reach the Temporal frontend."
  type        = string
  default     = "default"
}

variable "temporal_address" {
  description = "host:port of the Temporal frontend (TEMPORAL_ADDRESS)."
  type        = string
}

variable "temporal_namespace" {
  type    = string
  default = "default"
}

variable "media_bucket" {
  description = "GCS_BUCKET: where workers upload videos and posters (the API's bucket)."
  type        = string
}

variable "model_dir" {
  description = "WAN_MODEL_DIR: gs://bucket/prefix of the diffusers Wan 2.1 I2V 14B weights (480P or 720P variant)."
  type        = string
}

variable "repo_url" {
  description = "Git URL of this repository, cloned by each worker at boot."
  type        = string
}

variable "repo_ref" {
  description = "Commit or tag each worker runs."
  type        = string
}

variable "boot_image" {
  description = "A GPU image with NVIDIA drivers (here: a Deep Learning VM image family)."
  type        = string
  default     = "projects/deeplearning-platform-release/global/images/family/common-cu128-ubuntu-2204-nvidia-570"
}

variable "shutdown_grace_seconds" {
  description = "WAN_SHUTDOWN_GRACE_SECONDS: a stopping VM lets renders finish this long, then hands them back to Temporal. Keep it under the VM's shutdown window (about 90 s; 30 s for Spot VMs)."
  type        = number
  default     = 60
}

variable "pools" {
  description = <<-EOT
    One managed instance group per GPU pool. Each pool polls its own task queue; point the API's
    WAN_TASK_QUEUE at the pool that should take new jobs. gpu_count GPUs per VM means gpu_count
    runtimes and concurrent renders per VM (WAN_DEVICES=0..gpu_count-1).
  EOT
  type = map(object({
    machine_type = string
    gpu_type     = string
    gpu_count    = number
    zones        = list(string)
    min_vms      = number
    max_vms      = number
    task_queue   = string
    cpu_offload  = optional(bool, false)
    spot         = optional(bool, false)
    disk_gb      = optional(number, 300)
  }))
  default = {
    h100 = {
      machine_type = "a3-highgpu-1g"
      gpu_type     = "nvidia-h100-80gb"
      gpu_count    = 1
      zones        = ["us-central1-a", "us-central1-c"]
      min_vms      = 1
      max_vms      = 4
      task_queue   = "vivid-wan-gpu-v1"
    }
    l4 = {
      machine_type = "g2-standard-16"
      gpu_type     = "nvidia-l4"
      gpu_count    = 1
      zones        = ["us-central1-a", "us-central1-b"]
      min_vms      = 0
      max_vms      = 8
      task_queue   = "vivid-wan-l4-v1"
      cpu_offload  = true
    }
  }
}
