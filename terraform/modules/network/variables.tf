variable "project" {
  description = "GCP project id that owns the network."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id (6-30 lowercase letters, digits and hyphens)."
  }
}

variable "region" {
  description = "Region of the subnet, router and NAT (the region every other piece runs in)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "name" {
  description = "Name of the VPC; the subnet, router, NAT and ranges are named after it."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$", var.name))
    error_message = "name must be a lowercase RFC 1035 label of at most 42 characters."
  }
}

variable "subnet_cidr" {
  description = "Primary range of the subnet the GPU VMs and Cloud Run's direct VPC egress take addresses from."
  type        = string
  default     = "10.20.0.0/20"

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be an IPv4 CIDR range such as 10.20.0.0/20."
  }
}

variable "private_services_prefix_length" {
  description = "Prefix length of the range reserved for private services access (Cloud SQL's private IP)."
  type        = number
  default     = 20

  validation {
    condition     = var.private_services_prefix_length >= 16 && var.private_services_prefix_length <= 24
    error_message = "private_services_prefix_length must be between 16 and 24."
  }
}

variable "flow_log_sampling" {
  description = "Fraction of VPC flows logged (0-1]; flow logs are on for audits."
  type        = number
  default     = 0.5

  validation {
    condition     = var.flow_log_sampling > 0 && var.flow_log_sampling <= 1
    error_message = "flow_log_sampling must be above 0 and at most 1."
  }
}

variable "worker_tag" {
  description = "Network tag of the GPU worker VMs, the target of the health-check firewall rule."
  type        = string
  default     = "vivid-wan-worker"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.worker_tag))
    error_message = "worker_tag must be a lowercase RFC 1035 label."
  }
}

variable "health_port" {
  description = "Port of the workers' /healthz and /metrics server (VIVID_METRICS_PORT)."
  type        = number
  default     = 9464

  validation {
    condition     = var.health_port >= 1024 && var.health_port <= 65535
    error_message = "health_port must be an unprivileged port (1024-65535)."
  }
}
