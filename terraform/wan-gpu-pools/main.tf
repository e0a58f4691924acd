# Wan 2.1 GPU worker pools: per GPU type, a regional managed instance group whose VMs run
# `npm run worker:wan` (one runtime per GPU) against the Temporal cluster.
# Not validated here: this repository's machines have no terraform binary.

resource "google_service_account" "wan_worker" {
  account_id   = "vivid-wan-worker"
  display_name = "Vivid Flow Wan GPU workers"
}

# Read the weights, write videos and posters.
resource "google_storage_bucket_iam_member" "media_writer" {
  bucket = var.media_bucket
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.wan_worker.email}"
}

resource "google_storage_bucket_iam_member" "weights_reader" {
  bucket = regex("^gs://([^/]+)", var.model_dir)[0]
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.wan_worker.email}"
}

resource "google_compute_instance_template" "wan" {
  for_each     = var.pools
  name_prefix  = "vivid-wan-${each.key}-"
  machine_type = each.value.machine_type

  disk {
    source_image = var.boot_image
    disk_size_gb = each.value.disk_gb
    disk_type    = "pd-ssd"
    boot         = true
    auto_delete  = true
  }

  guest_accelerator {
    type  = each.value.gpu_type
    count = each.value.gpu_count
  }

  scheduling {
    # GPU VMs cannot live-migrate.
    on_host_maintenance = "TERMINATE"
    automatic_restart   = !each.value.spot
    preemptible         = each.value.spot
    provisioning_model  = each.value.spot ? "SPOT" : "STANDARD"
  }

  network_interface {
    network = var.network
  }

  service_account {
    email  = google_service_account.wan_worker.email
    scopes = ["cloud-platform"]
  }

  metadata = {
    install-nvidia-driver = "True"
    startup-script = templatefile("${path.module}/startup.sh.tpl", {
      repo_url               = var.repo_url
      repo_ref               = var.repo_ref
      temporal_address       = var.temporal_address
      temporal_namespace     = var.temporal_namespace
      task_queue             = each.value.task_queue
      media_bucket           = var.media_bucket
      model_dir              = var.model_dir
      devices                = join(",", range(each.value.gpu_count))
      cpu_offload            = each.value.cpu_offload ? "true" : "false"
      shutdown_grace_seconds = var.shutdown_grace_seconds
    })
  }

  labels = {
    app  = "vivid-flow"
    role = "wan-worker"
    pool = each.key
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_region_instance_group_manager" "wan" {
  for_each                  = var.pools
  name                      = "vivid-wan-${each.key}"
  base_instance_name        = "vivid-wan-${each.key}"
  region                    = var.region
  distribution_policy_zones = each.value.zones

  version {
    instance_template = google_compute_instance_template.wan[each.key].id
  }

  update_policy {
    type                         = "PROACTIVE"
    minimal_action               = "REPLACE"
    max_surge_fixed              = length(each.value.zones)
    max_unavailable_fixed        = 0
    instance_redistribution_type = "NONE"
  }
}

# Scale on GPU load is not in GCE's metrics; CPU utilisation of the host tracks a busy render
# well enough to add VMs, and min_vms keeps a warm floor so jobs never wait for a model load.
resource "google_compute_region_autoscaler" "wan" {
  for_each = var.pools
  name     = "vivid-wan-${each.key}"
  region   = var.region
  target   = google_compute_region_instance_group_manager.wan[each.key].id

  autoscaling_policy {
    min_replicas    = each.value.min_vms
    max_replicas    = each.value.max_vms
    cooldown_period = 600
    cpu_utilization {
      target = 0.6
    }
    scale_in_control {
      max_scaled_in_replicas {
        fixed = 1
      }
      time_window_sec = 1200
    }
  }
}
