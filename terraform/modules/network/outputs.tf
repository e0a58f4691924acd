output "network_id" {
  description = "Id of the VPC (projects/…/global/networks/…)."
  value       = google_compute_network.this.id
}

output "network_self_link" {
  description = "Self link of the VPC, for Cloud SQL's private_network."
  value       = google_compute_network.this.self_link
}

output "subnet_id" {
  description = "Id of the regional subnet."
  value       = google_compute_subnetwork.this.id
}

output "worker_tag" {
  description = "Network tag the GPU VMs must carry to receive health checks."
  value       = var.worker_tag
}

output "private_services_connection" {
  description = "The private services peering; Cloud SQL must be created after it."
  value       = google_service_networking_connection.private_services.id
}
