output "name" {
  description = "Bucket name (GCS_BUCKET)."
  value       = google_storage_bucket.media.name
}

output "url" {
  description = "gs:// URL of the bucket."
  value       = google_storage_bucket.media.url
}
