# A Temporal worker (control, Veo, pool scaler) as a Cloud Run worker pool: pull-based, no
# inbound traffic, CPU always allocated, a fixed instance count (they poll; they do not scale on
# requests). SIGTERM on a rollout gives the worker 10 s to hand its tasks back to Temporal.

locals {
  secret_files = { for name, secret in var.secret_files : name => { secret = secret, dir = "/secrets/${lower(replace(name, "_", "-"))}" } }
}

resource "google_cloud_run_v2_worker_pool" "this" {
  project             = var.project
  name                = var.name
  location            = var.region
  deletion_protection = var.deletion_protection
  labels              = var.labels

  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.instances
  }

  template {
    service_account = var.service_account

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnet_id
      }
    }

    containers {
      image = var.image
      args  = var.args

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
      }

      dynamic "env" {
        for_each = merge(var.env, { for name, f in local.secret_files : name => "${f.dir}/value" })
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = local.secret_files
        content {
          name       = volume_mounts.key
          mount_path = volume_mounts.value.dir
        }
      }

      startup_probe {
        period_seconds    = 5
        timeout_seconds   = 3
        failure_threshold = 24
        http_get {
          path = "/readyz"
          port = var.health_port
        }
      }

      liveness_probe {
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
        http_get {
          path = "/healthz"
          port = var.health_port
        }
      }
    }

    dynamic "volumes" {
      for_each = local.secret_files
      content {
        name = volumes.key
        secret {
          secret = volumes.value.secret
          items {
            version = "latest"
            path    = "value"
            mode    = 256 # 0400
          }
        }
      }
    }
  }
}
