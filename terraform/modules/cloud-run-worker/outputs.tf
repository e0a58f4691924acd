output "name" {
  description = "Worker pool name."
  value       = google_cloud_run_v2_worker_pool.this.name
}
