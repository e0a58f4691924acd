output "instance_group_manager" {
  description = "Name of the regional MIG (the pool scaler resizes it)."
  value       = google_compute_region_instance_group_manager.this.name
}

output "region" {
  description = "Region of the MIG."
  value       = var.region
}

output "task_queue" {
  description = "The pool's task queue."
  value       = var.task_queue
}

output "gpus_per_vm" {
  description = "GPUs (concurrent renders) per VM."
  value       = var.gpus_per_vm
}
