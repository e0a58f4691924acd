output "instance_name" {
  description = "Cloud SQL instance name (for restores: gcloud sql backups restore … --restore-instance)."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "project:region:instance."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip" {
  description = "The instance's private address."
  value       = google_sql_database_instance.this.private_ip_address
}

output "password_secret_id" {
  description = "Secret Manager secret holding the user's password."
  value       = google_secret_manager_secret.password.secret_id
}

output "url_secret_id" {
  description = "Secret Manager secret holding DATABASE_URL."
  value       = google_secret_manager_secret.url.secret_id
}
