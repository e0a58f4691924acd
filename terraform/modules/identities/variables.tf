variable "project" {
  description = "GCP project id the service accounts live in."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a GCP project id."
  }
}

variable "region" {
  description = "Region of the Artifact Registry repository holding the images."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "prefix" {
  description = "Prefix of the service account ids (<prefix>-api, -control, -veo, -wan, -scaler)."
  type        = string
  default     = "vivid"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.prefix))
    error_message = "prefix must be 1-21 lowercase letters, digits and hyphens, starting with a letter (account ids are at most 30 characters)."
  }
}

variable "media_bucket" {
  description = "The media bucket's name."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.media_bucket))
    error_message = "media_bucket must be a GCS bucket name."
  }
}

variable "weights_bucket" {
  description = "Bucket holding the Wan weights (WAN_MODEL_DIR's bucket); the wan account may only read it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.weights_bucket))
    error_message = "weights_bucket must be a GCS bucket name."
  }
}

variable "image_repository" {
  description = "Artifact Registry repository id (in var.region) the GPU VMs pull the Wan worker image from."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_repository))
    error_message = "image_repository must be an Artifact Registry repository id."
  }
}

variable "secret_access" {
  description = "Secret ids each role may read, e.g. { api = [\"vivid-db-url\", …] }. Roles: api, control, veo, wan, scaler."
  type        = map(list(string))

  validation {
    condition     = alltrue([for role in keys(var.secret_access) : contains(["api", "control", "veo", "wan", "scaler"], role)])
    error_message = "secret_access keys must be among api, control, veo, wan, scaler."
  }
}
