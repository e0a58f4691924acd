# The API as a Cloud Run service: HTTPS on its run.app URL (and an optional custom domain with
# a Google-managed certificate), autoscaled on requests, Cloud SQL over direct VPC egress.

locals {
  secret_files = { for name, secret in var.secret_files : name => { secret = secret, dir = "/secrets/${lower(replace(name, "_", "-"))}" } }
}

resource "google_cloud_run_v2_service" "api" {
  project             = var.project
  name                = var.name
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    service_account                  = var.service_account
    timeout                          = "600s"
    max_instance_request_concurrency = var.concurrency

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnet_id
      }
    }

    containers {
      image = var.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle = true
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
          port = 8080
        }
      }

      liveness_probe {
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
        http_get {
          path = "/healthz"
          port = 8080
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

# The API authenticates every request itself (X-API-Key, sessions); Cloud Run's IAM gate is open.
resource "google_cloud_run_v2_service_iam_member" "public" {
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_domain_mapping" "api" {
  count    = var.domain == null ? 0 : 1
  project  = var.project
  location = var.region
  name     = var.domain

  metadata {
    namespace = var.project
  }

  spec {
    route_name = google_cloud_run_v2_service.api.name
  }
}
