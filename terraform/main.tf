# Vivid Flow on GCP: composes the modules; no resources of its own.
#
#   network ── database (Cloud SQL, private IP) ── secrets ── identities (one account per role)
#   media-bucket
#   cloud-run-api (HTTPS) · cloud-run-worker × 3 (control, Veo, pool scaler) · gpu-pool × N

locals {
  labels = merge(var.labels, { app = "vivid-flow" })

  temporal_env = {
    TEMPORAL_ADDRESS   = var.temporal.address
    TEMPORAL_NAMESPACE = var.temporal.namespace
    TEMPORAL_TLS       = var.temporal.auth == "none" ? "false" : "true"
  }
  temporal_secret_env   = var.temporal.auth == "api_key" ? { TEMPORAL_API_KEY = module.secrets.secret_ids["temporal-api-key"] } : {}
  temporal_secret_files = var.temporal.auth == "mtls" ? { TEMPORAL_TLS_CERT_FILE = module.secrets.secret_ids["temporal-tls-cert"], TEMPORAL_TLS_KEY_FILE = module.secrets.secret_ids["temporal-tls-key"] } : {}
  temporal_secret_ids   = values(merge(local.temporal_secret_env, local.temporal_secret_files))

  queue_env = {
    CONTROL_TASK_QUEUE = "vivid-control-v1"
    VEO_TASK_QUEUE     = "vivid-veo-v1"
    # New wan2.1 jobs go to this pool's queue.
    WAN_TASK_QUEUE = var.gpu_pools[var.wan_default_pool].task_queue
  }
  common_env = merge(local.temporal_env, local.queue_env, {
    GCS_BUCKET                = module.media_bucket.name
    METADATA_SERVER_DETECTION = "assume-present"
    LOG_LEVEL                 = "info"
  })
  db_url_secret   = module.database.url_secret_id
  url_signing_ids = module.secrets.secret_ids["url-signing-secret"]

  scaler_pools = jsonencode([for key, pool in var.gpu_pools : {
    name                 = key
    taskQueue            = pool.task_queue
    region               = var.region
    instanceGroupManager = module.gpu_pool[key].instance_group_manager
    gpusPerVm            = pool.gpus_per_vm
    minVms               = pool.min_vms
    maxVms               = pool.max_vms
  }])
}

module "network" {
  source  = "./modules/network"
  project = var.project
  region  = var.region
  name    = var.name
}

module "media_bucket" {
  source            = "./modules/media-bucket"
  project           = var.project
  name              = var.media_bucket
  location          = var.region
  access_log_bucket = var.access_log_bucket
  kms_key_name      = var.kms_key_name
  cors_origins      = var.web_origins
  labels            = local.labels
}

module "database" {
  source                      = "./modules/database"
  project                     = var.project
  region                      = var.region
  name                        = "${var.name}-db"
  tier                        = var.database_tier
  high_availability           = var.database_high_availability
  network_self_link           = module.network.network_self_link
  private_services_connection = module.network.private_services_connection
  kms_key_name                = var.kms_key_name
  labels                      = local.labels
}

module "secrets" {
  source            = "./modules/secrets"
  project           = var.project
  region            = var.region
  prefix            = var.name
  temporal_auth     = var.temporal.auth
  temporal_api_key  = var.temporal_api_key
  temporal_tls_cert = var.temporal_tls_cert
  temporal_tls_key  = var.temporal_tls_key
  kms_key_name      = var.kms_key_name
  labels            = local.labels
}

module "identities" {
  source           = "./modules/identities"
  project          = var.project
  region           = var.region
  prefix           = var.name
  media_bucket     = module.media_bucket.name
  weights_bucket   = regex("^gs://([^/]+)", var.wan_model_dir)[0]
  image_repository = var.image_repository
  secret_access = {
    api     = concat([local.db_url_secret, local.url_signing_ids], local.temporal_secret_ids)
    control = concat([local.db_url_secret], local.temporal_secret_ids)
    veo     = local.temporal_secret_ids
    wan     = local.temporal_secret_ids
    scaler  = concat([local.db_url_secret], local.temporal_secret_ids)
  }
}

module "api" {
  source          = "./modules/cloud-run-api"
  project         = var.project
  region          = var.region
  name            = "${var.name}-api"
  image           = var.images.api
  service_account = module.identities.emails["api"]
  network_id      = module.network.network_id
  subnet_id       = module.network.subnet_id
  # PUBLIC_URL only matters for local storage; with GCS every link is a V4 signed URL.
  env = merge(local.common_env, { HOST = "0.0.0.0" })
  secret_env = merge(local.temporal_secret_env, {
    DATABASE_URL       = local.db_url_secret
    URL_SIGNING_SECRET = local.url_signing_ids
  })
  secret_files  = local.temporal_secret_files
  min_instances = var.api_min_instances
  max_instances = var.api_max_instances
  domain        = var.api_domain
  labels        = local.labels
}

module "control_worker" {
  source          = "./modules/cloud-run-worker"
  project         = var.project
  region          = var.region
  name            = "${var.name}-control"
  image           = var.images.control
  service_account = module.identities.emails["control"]
  network_id      = module.network.network_id
  subnet_id       = module.network.subnet_id
  # Worker versioning: each build joins the deployment; jobs stay PINNED to the build they started on.
  env = merge(local.common_env, {
    VIVID_WORKER_DEPLOYMENT = "${var.name}-control"
    VIVID_BUILD_ID          = var.control_build_id
  })
  secret_env   = merge(local.temporal_secret_env, { DATABASE_URL = local.db_url_secret })
  secret_files = local.temporal_secret_files
  instances    = var.control_instances
  labels       = local.labels
}

module "veo_worker" {
  source          = "./modules/cloud-run-worker"
  project         = var.project
  region          = var.region
  name            = "${var.name}-veo"
  image           = var.images.veo
  service_account = module.identities.emails["veo"]
  network_id      = module.network.network_id
  subnet_id       = module.network.subnet_id
  env = merge(local.common_env, {
    GOOGLE_CLOUD_PROJECT  = var.project
    GOOGLE_CLOUD_LOCATION = var.region
  })
  secret_env   = local.temporal_secret_env
  secret_files = local.temporal_secret_files
  instances    = var.veo_instances
  labels       = local.labels
}

# The pool scaler runs from the control image with its own command and account.
module "pool_scaler" {
  source          = "./modules/cloud-run-worker"
  project         = var.project
  region          = var.region
  name            = "${var.name}-scaler"
  image           = var.images.control
  args            = ["workers/scaler-main.ts"]
  service_account = module.identities.emails["scaler"]
  network_id      = module.network.network_id
  subnet_id       = module.network.subnet_id
  env = merge(local.common_env, {
    SCALER_POOLS   = local.scaler_pools
    SCALER_PROJECT = var.project
  })
  secret_env   = merge(local.temporal_secret_env, { DATABASE_URL = local.db_url_secret })
  secret_files = local.temporal_secret_files
  instances    = 1
  labels       = local.labels
}

module "gpu_pool" {
  source   = "./modules/gpu-pool"
  for_each = var.gpu_pools

  project                = var.project
  region                 = var.region
  name                   = "${var.name}-wan-${each.key}"
  zones                  = each.value.zones
  machine_type           = each.value.machine_type
  gpu_type               = each.value.gpu_type
  gpus_per_vm            = each.value.gpus_per_vm
  spot                   = each.value.spot
  shutdown_grace_seconds = each.value.shutdown_grace_seconds
  task_queue             = each.value.task_queue
  min_vms                = each.value.min_vms
  disk_type              = each.value.disk_type
  image                  = var.images.wan
  kms_key_self_link      = var.kms_key_name
  service_account        = module.identities.emails["wan"]
  subnet_id              = module.network.subnet_id
  network_tag            = module.network.worker_tag
  env = merge(local.temporal_env, {
    GCS_BUCKET      = module.media_bucket.name
    WAN_MODEL_DIR   = var.wan_model_dir
    WAN_CPU_OFFLOAD = each.value.cpu_offload ? "true" : "false"
    LOG_LEVEL       = "info"
  })
  secret_env   = local.temporal_secret_env
  secret_files = local.temporal_secret_files
  labels       = local.labels
}
