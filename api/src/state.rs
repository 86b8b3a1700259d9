//! What every handler may reach: the infrastructure (database, caches, file store, outside
//! clients, keys) and the settings. Domain services are built from it where they are used
//! (`TokenService::of(&state)`, `Photos::of(&state)`, ...), never kept in it.

use std::sync::Arc;

use entity::progress_snapshot;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::config::Settings;
use crate::infra::batch::BatchReader;
use crate::infra::cache::Cache;
use crate::infra::data_exchange::DataExchangeClient;
use crate::infra::jwt_keys::JwtKeys;
use crate::infra::rate_limit::RateLimiter;
use crate::infra::storage::Storage;
use crate::infra::wechat::WechatClient;
use crate::infra::wechat_face::WechatFace;
use crate::infra::wechat_subscribe::SubscribeClient;
use crate::pii::cipher::PiiCipher;
use imaging::gate::ImageGate;

pub struct AppState {
    pub db: DatabaseConnection,
    pub cache: Cache,
    /// This node's in-process store: where the sign-in lockout counts when `cache` does not
    /// answer (`auth::lockout`).
    pub local_cache: Cache,
    /// The keys access tokens are signed and checked with (`auth::tokens`).
    pub jwt_keys: JwtKeys,
    /// How access tokens are checked, built once from `[auth]` at start (`auth::tokens::validation`).
    pub jwt_validation: jsonwebtoken::Validation,
    pub pii: PiiCipher,
    pub storage: Storage,
    /// This node's bound on photos decoded at once, in turns and memory (`documents::photos`).
    pub image_gate: ImageGate,
    pub limiter: RateLimiter,
    pub data_exchange: DataExchangeClient,
    /// WeChat's subscribe messages (`notifications::sender` says what they say).
    pub wechat_subscribe: SubscribeClient,
    /// Progress snapshots read from the database in batches (the path without Redis; read them
    /// through `progress::batch::read`).
    pub snapshots: BatchReader<Uuid, progress_snapshot::Model>,
    /// WeChat's `jscode2session`, for resident sign-in (`auth::login` picks the provider).
    pub wechat_login: WechatClient,
    /// WeChat's face verification API, when `checkins.verifier = "wechat"`; without it check-ins
    /// use the local checks (`checkins::verifier::of`).
    pub wechat_face: Option<WechatFace>,
    pub settings: Arc<Settings>,
}

/// The state as handlers receive it.
pub type SharedState = actix_web::web::Data<AppState>;
