output "emails" {
  description = "Service account email by role (api, control, veo, wan, scaler)."
  value       = { for k, sa in google_service_account.this : k => sa.email }
}
