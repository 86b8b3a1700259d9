//! Every endpoint, registered with `.service()` so that it reaches the OpenAPI document.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::health;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::routes::get_healthz).service(health::routes::get_readyz);
}
