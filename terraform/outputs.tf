output "api_url" {
  description = "HTTPS URL of the API."
  value       = module.api.url
}

output "media_bucket" {
  description = "GCS_BUCKET of the deployment."
  value       = module.media_bucket.name
}

output "database_instance" {
  description = "Cloud SQL instance name (restores, docs/runbook.md)."
  value       = module.database.instance_name
}

output "service_accounts" {
  description = "Service account email by role."
  value       = module.identities.emails
}

output "gpu_pools" {
  description = "Each pool's MIG, queue and GPUs per VM (what the pool scaler manages)."
  value = { for k, p in module.gpu_pool : k => {
    instance_group_manager = p.instance_group_manager
    task_queue             = p.task_queue
    gpus_per_vm            = p.gpus_per_vm
  } }
}
