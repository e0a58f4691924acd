# One Wan GPU pool: a regional managed instance group of Container-Optimized OS VMs of one GPU
# type, each running the Wan worker image on its own task queue. No autoscaler: the pool scaler
# (a Temporal workflow) owns target_size and deletes only idle VMs by name.

locals {
  # Accelerator-optimized families (a2, a3, g2, g4) come with their GPUs; N1 needs them attached.
  attach_gpus = startswith(var.machine_type, "n1-")
  devices     = join(",", range(var.gpus_per_vm))
  startup = templatefile("${path.module}/startup.sh.tftpl", {
    image         = var.image
    registry_host = split("/", var.image)[0]
    container_env = merge(var.env, {
      WAN_TASK_QUEUE             = var.task_queue
      WAN_DEVICES                = local.devices
      WAN_SHUTDOWN_GRACE_SECONDS = tostring(var.shutdown_grace_seconds)
      VIVID_METRICS_PORT         = tostring(var.health_port)
      VIVID_DATA_DIR             = "/data"
      METADATA_SERVER_DETECTION  = "assume-present"
    })
    secret_env   = var.secret_env
    secret_files = var.secret_files
    project      = var.project
    health_port  = var.health_port
  })
  shutdown = templatefile("${path.module}/shutdown.sh.tftpl", {
    # SIGTERM, then the worker's grace, then a few seconds for the hand-back to reach Temporal.
    stop_seconds = var.shutdown_grace_seconds + 3
  })
}

resource "google_compute_instance_template" "this" {
  project      = var.project
  name_prefix  = "${var.name}-"
  machine_type = var.machine_type
  region       = var.region
  tags         = [var.network_tag]
  labels       = merge(var.labels, { role = "wan-worker", pool = var.name })

  disk {
    source_image = var.boot_image
    disk_size_gb = var.disk_gb
    disk_type    = var.disk_type
    boot         = true
    auto_delete  = true

    dynamic "disk_encryption_key" {
      for_each = var.kms_key_self_link == null ? [] : [var.kms_key_self_link]
      content {
        kms_key_self_link = disk_encryption_key.value
      }
    }
  }

  dynamic "guest_accelerator" {
    for_each = local.attach_gpus ? [var.gpu_type] : []
    content {
      type  = guest_accelerator.value
      count = var.gpus_per_vm
    }
  }

  scheduling {
    # GPU VMs cannot live-migrate.
    on_host_maintenance         = "TERMINATE"
    automatic_restart           = !var.spot
    preemptible                 = var.spot
    provisioning_model          = var.spot ? "SPOT" : "STANDARD"
    instance_termination_action = var.spot ? "DELETE" : null
  }

  network_interface {
    subnetwork = var.subnet_id
    # No external address: Cloud NAT for Temporal Cloud, Private Google Access for Google APIs.
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = var.service_account
    scopes = ["cloud-platform"]
  }

  metadata = {
    block-project-ssh-keys = "true"
    enable-oslogin         = "TRUE"
    google-logging-enabled = "true"
    startup-script         = local.startup
    shutdown-script        = local.shutdown
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_region_health_check" "this" {
  project             = var.project
  name                = "${var.name}-health"
  region              = var.region
  check_interval_sec  = 30
  timeout_sec         = 5
  healthy_threshold   = 1
  unhealthy_threshold = 4

  http_health_check {
    port         = var.health_port
    request_path = "/healthz"
  }

  log_config {
    enable = true
  }
}

resource "google_compute_region_instance_group_manager" "this" {
  project                   = var.project
  name                      = var.name
  base_instance_name        = var.name
  region                    = var.region
  distribution_policy_zones = var.zones
  target_size               = var.min_vms

  version {
    instance_template = google_compute_instance_template.this.id
  }

  # A new template reaches a VM only when that VM is replaced: the scaler deletes idle VMs and
  # new ones boot on the current template, so a rollout never interrupts a render.
  update_policy {
    type                         = "OPPORTUNISTIC"
    minimal_action               = "REPLACE"
    max_surge_fixed              = length(var.zones)
    max_unavailable_fixed        = 0
    instance_redistribution_type = "NONE"
  }

  # Loading the weights takes minutes; give a booting VM that long before auto-healing judges it.
  auto_healing_policies {
    health_check      = google_compute_region_health_check.this.id
    initial_delay_sec = var.boot_seconds
  }

  lifecycle {
    # The pool scaler owns the size.
    ignore_changes = [target_size]
  }
}
