//! What every handler may reach: the database, the shared store, the token keys and the settings.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::tokens::TokenService;
use crate::config::Settings;
use crate::infra::cache::Cache;

pub struct AppState {
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub tokens: TokenService,
    pub settings: Arc<Settings>,
}

/// The state as handlers receive it.
pub type SharedState = actix_web::web::Data<AppState>;
