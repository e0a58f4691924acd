# One service account per process role, each granted only what that role does:
#   api     - writes source images, reads objects to sign V4 URLs (signBlob on itself)
#   control - job records and credits only (database), no bucket access
#   veo     - calls Vertex AI, reads inputs, writes posters; Vertex's agent writes the video
#   wan     - reads weights and inputs, writes videos and posters
#   scaler  - resizes the GPU groups and deletes idle VMs by name
# Database and Temporal access are by secret (Secret Manager), granted per secret below.

locals {
  roles = toset(["api", "control", "veo", "wan", "scaler"])
  secret_grants = merge([
    for role, ids in var.secret_access : { for id in ids : "${role}/${id}" => { role = role, secret = id } }
  ]...)
}

data "google_project" "this" {
  project_id = var.project
}

resource "google_service_account" "this" {
  for_each     = local.roles
  project      = var.project
  account_id   = "${var.prefix}-${each.key}"
  display_name = "Vivid Flow ${each.key}"
}

# --- media bucket -----------------------------------------------------------------------------
resource "google_storage_bucket_iam_member" "api_create" {
  bucket = var.media_bucket
  role   = "roles/storage.objectCreator"
  member = google_service_account.this["api"].member
}

resource "google_storage_bucket_iam_member" "api_read" {
  bucket = var.media_bucket
  role   = "roles/storage.objectViewer"
  member = google_service_account.this["api"].member
}

# V4 signed URLs without a key file: the API signs through IAM signBlob on its own account.
resource "google_service_account_iam_member" "api_sign_self" {
  service_account_id = google_service_account.this["api"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.this["api"].member
}

resource "google_storage_bucket_iam_member" "engine_read" {
  for_each = toset(["veo", "wan"])
  bucket   = var.media_bucket
  role     = "roles/storage.objectViewer"
  member   = google_service_account.this[each.key].member
}

resource "google_storage_bucket_iam_member" "engine_create" {
  for_each = toset(["veo", "wan"])
  bucket   = var.media_bucket
  role     = "roles/storage.objectCreator"
  member   = google_service_account.this[each.key].member
}

# Veo writes its video straight into gs://<bucket>/jobs/<job id>/veo/ as Vertex AI's service agent.
resource "google_storage_bucket_iam_member" "vertex_agent_create" {
  bucket = var.media_bucket
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-aiplatform.iam.gserviceaccount.com"
}

resource "google_storage_bucket_iam_member" "wan_weights" {
  bucket = var.weights_bucket
  role   = "roles/storage.objectViewer"
  member = google_service_account.this["wan"].member
}

# --- Vertex AI: the Veo worker only ------------------------------------------------------------
resource "google_project_iam_member" "veo_vertex" {
  project = var.project
  role    = "roles/aiplatform.user"
  member  = google_service_account.this["veo"].member
}

# --- logs and metrics from every role ----------------------------------------------------------
resource "google_project_iam_member" "log_writer" {
  for_each = local.roles
  project  = var.project
  role     = "roles/logging.logWriter"
  member   = google_service_account.this[each.key].member
}

resource "google_project_iam_member" "metric_writer" {
  for_each = local.roles
  project  = var.project
  role     = "roles/monitoring.metricWriter"
  member   = google_service_account.this[each.key].member
}

# GPU VMs pull the worker image themselves; Cloud Run pulls with its own agent.
resource "google_artifact_registry_repository_iam_member" "wan_pull" {
  project    = var.project
  location   = var.region
  repository = var.image_repository
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.this["wan"].member
}

# --- the pool scaler ---------------------------------------------------------------------------
# Only what resizing needs: read the groups and their VMs, resize, delete named VMs.
resource "google_project_iam_custom_role" "scaler" {
  project     = var.project
  role_id     = replace("${var.prefix}_pool_scaler", "-", "_")
  title       = "Vivid Flow GPU pool scaler"
  description = "Resize Wan GPU managed instance groups and delete idle VMs by name."
  permissions = [
    "compute.instanceGroupManagers.get",
    "compute.instanceGroupManagers.update",
    "compute.instanceGroups.get",
    "compute.instances.get",
    "compute.instances.delete",
    "compute.regionOperations.get",
    "compute.zoneOperations.get",
  ]
}

resource "google_project_iam_member" "scaler" {
  project = var.project
  role    = google_project_iam_custom_role.scaler.id
  member  = google_service_account.this["scaler"].member
}

# Creating VMs that run as the wan account needs actAs on it.
resource "google_service_account_iam_member" "scaler_acts_as_wan" {
  service_account_id = google_service_account.this["wan"].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.this["scaler"].member
}

# --- secrets -----------------------------------------------------------------------------------
resource "google_secret_manager_secret_iam_member" "this" {
  for_each  = local.secret_grants
  project   = var.project
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.this[each.value.role].member
}
