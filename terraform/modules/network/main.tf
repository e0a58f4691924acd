# A private network for the whole service: one subnet, Private Google Access (GCS, Artifact
# Registry, Secret Manager without public IPs), a private services range peered for Cloud SQL,
# and Cloud NAT so VMs without external addresses reach Temporal Cloud and Vertex AI.

resource "google_compute_network" "this" {
  project                 = var.project
  name                    = var.name
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "this" {
  project                  = var.project
  name                     = "${var.name}-${var.region}"
  region                   = var.region
  network                  = google_compute_network.this.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = var.flow_log_sampling
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

# Cloud SQL's private IP lives in a Google-managed VPC peered with ours through this range.
resource "google_compute_global_address" "private_services" {
  project       = var.project
  name          = "${var.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = var.private_services_prefix_length
  network       = google_compute_network.this.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.this.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

resource "google_compute_router" "this" {
  project = var.project
  name    = "${var.name}-${var.region}"
  region  = var.region
  network = google_compute_network.this.id
}

resource "google_compute_router_nat" "this" {
  project                            = var.project
  name                               = "${var.name}-${var.region}"
  router                             = google_compute_router.this.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# The workers expose nothing to the internet; only Google's health-check ranges reach the
# GPU VMs' health port (MIG auto-healing).
resource "google_compute_firewall" "health_checks" {
  project     = var.project
  name        = "${var.name}-allow-health-checks"
  network     = google_compute_network.this.id
  direction   = "INGRESS"
  priority    = 1000
  target_tags = [var.worker_tag]
  source_ranges = [
    "35.191.0.0/16",
    "130.211.0.0/22",
  ]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.health_port)]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}
