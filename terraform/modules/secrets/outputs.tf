output "secret_ids" {
  description = "Secret ids by role: url-signing-secret, and temporal-api-key or temporal-tls-cert/-key."
  value       = { for k, s in google_secret_manager_secret.this : k => s.secret_id }
}
