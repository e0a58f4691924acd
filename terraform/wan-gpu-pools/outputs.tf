output "pools" {
  description = "Each pool's instance group and the task queue the API routes to it."
  value = {
    for k, p in var.pools : k => {
      instance_group = google_compute_region_instance_group_manager.wan[k].instance_group
      task_queue     = p.task_queue
      gpus_per_vm    = p.gpu_count
    }
  }
}
