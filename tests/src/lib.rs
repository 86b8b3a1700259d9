//! The integration-test harness: each test gets the real server on port 0, its own PostgreSQL
//! database cloned from a migrated template, and its own Redis key prefix.
//!
//! `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names a database
//! the harness can create databases from; `TEST_REDIS_URL` (default `redis://127.0.0.1:6379`) a
//! Redis it may write prefixed keys to. `scripts/test` sets both when it starts throwaway servers.

mod applications;
mod auth;
pub mod bodies;
pub mod checkins;
mod db;
mod fingerprint;
mod proxy;
mod review;
pub mod snapshot;

use std::net::TcpListener;
use std::path::PathBuf;

use api::Application;
use api::config::Settings;
use api::state::SharedState;
use secrecy::SecretString;
use serde_json::Value;

pub use applications::{
    blank_png, encode_jpeg, id_number, jpeg_bytes, multipart, photo, picture, png_bytes, signature_png,
};
pub use auth::{TEST_JWT_SECRET, TEST_PASSWORD};
pub use db::{TestDatabase, admin_url};
pub use proxy::{FlakyProxy, TcpProxy};

pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// The test Redis as a socket address (for a `TcpProxy` in front of it).
pub fn redis_addr() -> std::net::SocketAddr {
    let url = redis_url();
    let host_port = url.trim_start_matches("redis://").split('/').next().expect("host:port").to_owned();
    std::net::ToSocketAddrs::to_socket_addrs(&host_port).expect("resolve Redis").next().expect("an address")
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: SharedState,
    /// A fake WeChat API; mount `jscode2session` answers with `mock_wechat`.
    pub wechat: wiremock::MockServer,
    /// A fake data-exchange service (the economic check).
    pub data_exchange: wiremock::MockServer,
    /// Dropped last: the database outlives the server that uses it.
    _database: Option<TestDatabase>,
    _data_dir: Option<TempDir>,
}

/// Settings every test app shares: one worker, PostgreSQL and Redis of this test.
fn base_settings() -> Settings {
    let mut settings = Settings::default();
    settings.server.workers = 1;
    settings.server.shutdown_timeout_secs = 1;
    settings.database.max_connections = 5;
    settings.redis.url = Some(SecretString::from(redis_url()));
    settings.redis.key_prefix = format!("jiuzhu:test:{}:", uuid::Uuid::new_v4().simple());
    settings.auth.jwt_keys = Some(SecretString::from(format!("test:{TEST_JWT_SECRET}")));
    // Base64 of 32 bytes each: 0x01... and 0x09...
    settings.pii.keys = Some(SecretString::from("test:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="));
    settings.pii.index_key = Some(SecretString::from("CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk="));
    settings.wechat.app_id = Some("wx-test-app".to_owned());
    settings.wechat.app_secret = Some(SecretString::from("wx-test-secret"));
    settings.wechat.timeout_ms = 1000;
    settings.data_exchange.timeout_ms = 1000;
    // Tests run the jobs themselves, with a controlled clock.
    settings.jobs.enabled = false;
    settings
}

impl TestApp {
    /// The server against a fresh PostgreSQL database and real Redis.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like `spawn`, after `customize` has changed the settings.
    pub async fn spawn_with(customize: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(TestDatabase::create().await, customize).await
    }

    /// Like `spawn` followed by `seed_demo`, on a clone of this run's demo template (faster: the
    /// staff's passwords are hashed once per run, not once per test).
    pub async fn spawn_demo() -> Self {
        Self::spawn_demo_with(|_| {}).await
    }

    /// Like `spawn_demo`, after `customize` has changed the settings.
    pub async fn spawn_demo_with(customize: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(TestDatabase::create_demo().await, customize).await
    }

    async fn spawn_on(database: TestDatabase, customize: impl FnOnce(&mut Settings)) -> Self {
        let dir = TempDir::new();
        let mut settings = base_settings();
        settings.data_dir.0 = dir.path.clone();
        settings.database.url = Some(SecretString::from(database.url()));
        customize(&mut settings);
        Self::start(settings, Some(database), Some(dir)).await
    }

    /// The server on the embedded SQLite default in a temporary data directory, without Redis.
    pub async fn spawn_sqlite() -> Self {
        Self::spawn_sqlite_with(|_| {}).await
    }

    /// Like `spawn_sqlite`, after `customize` has changed the settings.
    pub async fn spawn_sqlite_with(customize: impl FnOnce(&mut Settings)) -> Self {
        let dir = TempDir::new();
        let mut settings = base_settings();
        settings.data_dir.0 = dir.path.clone();
        settings.redis.url = None;
        customize(&mut settings);
        Self::start(settings, None, Some(dir)).await
    }

    /// A second server built from this one's settings (the same database, data directory and
    /// Redis prefix), as after a restart. This one keeps its database and directory alive, so it
    /// must outlive the second.
    pub async fn restart(&self) -> TestApp {
        Self::start(Settings::clone(&self.state.settings), None, None).await
    }

    async fn start(mut settings: Settings, database: Option<TestDatabase>, data_dir: Option<TempDir>) -> Self {
        let wechat = wiremock::MockServer::start().await;
        if settings.wechat.base_url == api::config::WechatSettings::default().base_url {
            settings.wechat.base_url = wechat.uri();
        }
        let data_exchange = wiremock::MockServer::start().await;
        if settings.data_exchange.base_url.is_none() {
            settings.data_exchange.base_url = Some(data_exchange.uri());
        }
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let app = Application::build_with_listener(settings, listener).await.expect("application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        // The server closes a keep-alive connection idle for 5 s; a pooled one kept longer can be
        // reused just as it closes (IncompleteMessage, broken pipe) on a loaded machine.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("client");
        Self { address, client, state, wechat, data_exchange, _database: database, _data_dir: data_dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_healthz(&self) -> reqwest::Response {
        self.get("/healthz").await
    }

    pub async fn get_readyz(&self) -> reqwest::Response {
        self.get("/readyz").await
    }

    pub async fn get_openapi(&self) -> reqwest::Response {
        self.get("/api/v1/openapi.json").await
    }
}

/// Reads a problem+json response, checking the envelope every error must have.
pub async fn problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let header_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("urn:jiuzhu:problem:{code}"));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert_eq!(body["request_id"].as_str().map(str::to_owned), header_id, "body and header carry the same request id");
    body
}

/// A directory removed when dropped.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("jiuzhu-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self { path }
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
