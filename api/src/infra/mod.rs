//! Typed clients for the things outside the process: the database, Redis, object storage,
//! WeChat and the data-exchange service.

pub(crate) mod batch;
pub mod cache;
pub(crate) mod data_exchange;
pub mod db;
pub mod jwt_keys;
pub(crate) mod rate_limit;
pub(crate) mod storage;
pub mod wechat;
pub(crate) mod wechat_face;
pub(crate) mod wechat_subscribe;
pub(crate) mod wechat_token;

/// reqwest is built without a bundled crypto provider: every outbound client uses ring, which
/// sqlx already brings. Call before building a `reqwest::Client`; later calls do nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
