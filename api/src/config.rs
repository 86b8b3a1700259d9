//! Typed, layered settings.
//!
//! Layers, later ones win: built-in defaults (the `Default` impls below), an optional TOML file,
//! `JIUZHU__SECTION__KEY` environment variables, then the conventional `DATABASE_URL` and
//! `REDIS_URL`. Every struct denies unknown fields, so a misspelt key stops the server at start-up
//! instead of being silently ignored. Secrets are `SecretString` and never print.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Prefix of the environment variables that set configuration keys.
pub const ENV_PREFIX: &str = "JIUZHU";

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the embedded defaults keep their files (the SQLite database, local uploads).
    pub data_dir: DataDir,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub wechat: WechatSettings,
    pub pii: PiiSettings,
    pub storage: StorageSettings,
    pub imaging: ImagingSettings,
    pub review: ReviewSettings,
    pub data_exchange: DataExchangeSettings,
    pub notifications: NotificationSettings,
    pub checkins: CheckinSettings,
    pub sync: SyncSettings,
    pub jobs: JobSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct DataDir(pub PathBuf);

impl Default for DataDir {
    fn default() -> Self {
        Self(PathBuf::from("data"))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub host: IpAddr,
    pub port: u16,
    /// Worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Largest accepted request body for JSON endpoints, in bytes.
    pub body_limit_bytes: usize,
    /// Largest accepted department import file (`POST /api/v1/imports`), in bytes; streamed to
    /// disk, never held in memory.
    pub import_max_bytes: u64,
    /// How long in-flight requests may run after SIGTERM before the process exits.
    pub shutdown_timeout_secs: u64,
    /// Origins allowed by CORS. Empty: no CORS headers (the WeChat mini program does not need them).
    /// `["*"]` allows any origin, for development only.
    pub cors_allowed_origins: Vec<String>,
    /// Take the client address from `X-Forwarded-For` (set this only behind a proxy that overwrites
    /// it); otherwise the TCP peer address is used, e.g. for per-address sign-in lockouts.
    pub trust_forwarded_for: bool,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            workers: 0,
            body_limit_bytes: 256 * 1024,
            import_max_bytes: 4 << 30,
            shutdown_timeout_secs: 30,
            cors_allowed_origins: Vec::new(),
            trust_forwarded_for: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `postgres://...` or `sqlite://...`. Unset: an SQLite file `jiuzhu.db` in `data_dir`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout_secs: u64,
    pub acquire_timeout_secs: u64,
    /// Apply pending migrations when the server starts.
    pub migrate_on_start: bool,
    /// A pooled connection idle this long is pinged before use; busier ones are not.
    pub ping_idle_after_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 32,
            min_connections: 1,
            connect_timeout_secs: 5,
            acquire_timeout_secs: 5,
            migrate_on_start: true,
            ping_idle_after_secs: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://host:port/db`. Unset: single-node mode with an in-process fallback.
    pub url: Option<SecretString>,
    /// Prepended to every key, so several deployments (or tests) can share one Redis.
    pub key_prefix: String,
    pub connect_timeout_ms: u64,
    pub response_timeout_ms: u64,
    /// After a failed call, skip Redis for this long and use the fallback path at once.
    pub retry_after_failure_ms: u64,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            key_prefix: "jiuzhu:".to_owned(),
            connect_timeout_ms: 500,
            response_timeout_ms: 1000,
            retry_after_failure_ms: 2000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// `kid:secret[,kid:secret...]`, secrets of 32 bytes or more; the first signs, all verify (rotation).
    /// Unset: a random key per process (development only: tokens die with the process).
    pub jwt_keys: Option<SecretString>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: u64,
    /// How long a refresh token (and so a sign-in) lasts without being used.
    pub refresh_ttl_secs: u64,
    /// How long after a refresh the same refresh token answers the same tokens again (the phone
    /// lost the answer); presented again later, it ends the sign-in.
    pub refresh_replay_secs: u64,
    /// Failed password sign-ins for one username within the window before it is locked.
    pub lockout_account_failures: u64,
    /// Failed password sign-ins from one client address within the window before it is locked.
    pub lockout_address_failures: u64,
    pub lockout_window_secs: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_keys: None,
            issuer: "jiuzhu".to_owned(),
            audience: "jiuzhu-api".to_owned(),
            access_ttl_secs: 900,
            refresh_ttl_secs: 30 * 24 * 3600,
            refresh_replay_secs: 30,
            lockout_account_failures: 5,
            lockout_address_failures: 20,
            lockout_window_secs: 900,
        }
    }
}

/// Keys for personal data at rest (see `pii::cipher`). Set both or neither; neither keeps
/// generated keys in `<data_dir>/pii-keys`, for a single machine only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiiSettings {
    /// `kid:base64-of-32-bytes[,kid:...]`; the first seals, all open (rotation).
    pub keys: Option<SecretString>,
    /// Base64 of 32 bytes for the blind index. Changing it needs a re-index.
    pub index_key: Option<SecretString>,
}

/// Where uploaded documents are kept (`infra::storage`): the local directory by default, any
/// S3-compatible object store (AWS S3, MinIO, Ceph, OSS/COS in S3 mode) for several nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    /// Directory of the local back end. Unset: `<data_dir>/files`.
    pub local_dir: Option<PathBuf>,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    pub s3: S3Settings,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            backend: StorageBackend::Local,
            local_dir: None,
            max_upload_bytes: 15 * 1024 * 1024,
            s3: S3Settings::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    Local,
    S3,
}

/// The S3-compatible back end. Credentials not set here come from the usual `AWS_*` variables.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: Option<String>,
    /// e.g. `http://127.0.0.1:9000` for MinIO; unset: AWS.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
    /// Allow a plain-HTTP endpoint (a store on the same private network).
    pub allow_http: bool,
    /// Keys are written under this prefix (several deployments sharing a bucket).
    pub prefix: Option<String>,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            bucket: None,
            endpoint: None,
            region: "us-east-1".to_owned(),
            access_key_id: None,
            secret_access_key: None,
            allow_http: false,
            prefix: None,
        }
    }
}

/// The photo pipeline (`imaging`): limits, sizes, and which quality checks refuse an upload.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImagingSettings {
    /// Photos decoded at once on a node; 0: one per CPU core.
    pub max_in_flight: usize,
    /// How long an upload waits for a turn before 503 `UPLOAD_BUSY`.
    pub queue_wait_ms: u64,
    /// Largest width × height taken, read from the header before decoding.
    pub max_pixels: u64,
    /// Largest width or height taken.
    pub max_side: u32,
    /// Bytes one decoder may allocate.
    pub max_decode_bytes: u64,
    /// Memory one photo may need, estimated from its header before decoding; over it the photo
    /// is refused (`IMAGE_TOO_LARGE`).
    pub max_image_memory: u64,
    /// Memory the photos in flight on a node may reserve between them; 0: 40 MiB per
    /// `max_in_flight`. When it is taken, uploads wait `queue_wait_ms`, then 503 `UPLOAD_BUSY`.
    pub memory_budget: u64,
    /// Long side of the stored image.
    pub stored_long_side: u32,
    /// Long side of the thumbnail.
    pub thumbnail_long_side: u32,
    /// JPEG quality of the stored image (1–100).
    pub jpeg_quality: u8,
    /// Per document type (e.g. `id_card_front`), the failing checks that refuse the upload; other
    /// failing checks only warn. Setting this table replaces the whole default.
    pub reject: HashMap<String, Vec<imaging::quality::Check>>,
}

impl Default for ImagingSettings {
    fn default() -> Self {
        use imaging::quality::Check::{FaceNotFound, ImageBlurry, ImageOverexposed, ImageTooDark, ImageTooSmall};
        let id_photo = vec![ImageTooSmall, ImageBlurry, ImageTooDark, ImageOverexposed];
        Self {
            max_in_flight: 0,
            queue_wait_ms: 5_000,
            max_pixels: 64_000_000,
            max_side: 20_000,
            max_decode_bytes: 256 * 1024 * 1024,
            max_image_memory: 64 * 1024 * 1024,
            memory_budget: 0,
            stored_long_side: 2048,
            thumbnail_long_side: 320,
            jpeg_quality: 82,
            reject: HashMap::from([
                ("id_card_front".to_owned(), id_photo.clone()),
                ("id_card_back".to_owned(), id_photo),
                ("selfie".to_owned(), vec![ImageTooSmall, ImageBlurry, ImageTooDark, FaceNotFound]),
            ]),
        }
    }
}

/// Where resident sign-in codes are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoginProvider {
    /// WeChat's `jscode2session` (production).
    Wechat,
    /// No outside call: the code `dev:<name>` signs in the resident `<name>`. Development and tests
    /// only; a release build refuses it unless `allow_dev_in_release` is set.
    Dev,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WechatSettings {
    pub provider: LoginProvider,
    /// WeChat's API origin; tests point it at a fake server.
    pub base_url: String,
    /// The mini program's AppID.
    pub app_id: Option<String>,
    /// The mini program's AppSecret.
    pub app_secret: Option<SecretString>,
    /// How long to wait for WeChat before answering 503.
    pub timeout_ms: u64,
    /// Let a release build use the `dev` provider (a demo server, never production).
    pub allow_dev_in_release: bool,
}

impl WechatSettings {
    /// The app id and secret, when both are set.
    pub fn credentials(&self) -> Option<(String, SecretString)> {
        match (&self.app_id, &self.app_secret) {
            (Some(id), Some(secret)) if !id.is_empty() => Some((id.clone(), secret.clone())),
            _ => None,
        }
    }
}

impl Default for WechatSettings {
    fn default() -> Self {
        Self {
            provider: LoginProvider::Wechat,
            base_url: "https://api.weixin.qq.com".to_owned(),
            app_id: None,
            app_secret: None,
            timeout_ms: 3000,
            allow_dev_in_release: false,
        }
    }
}

/// Township review: who may decide what amount, how much goes to a second look, how long
/// applicants have for materials, and the public status query's limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewSettings {
    /// Per item code: the largest amount (fen) a township decides alone; above it the district
    /// confirms. 临时救助: 2,000 yuan.
    pub township_amount_limit_fen: HashMap<String, i64>,
    /// No single decision above this amount (fen), whoever decides: a typo guard.
    pub max_amount_fen: i64,
    /// Share of rejections escalated to the district for a second look (提级复审), percent.
    pub escalate_rejections_percent: u8,
    /// Share of a month's decided applications the district re-examines, percent.
    pub sample_percent: u8,
    /// Working days the applicant has for materials asked for (returns, emergency approvals).
    pub materials_working_days: i32,
    /// Months until a rejected applicant in the monitoring pool is looked at again.
    pub monitoring_review_months: u32,
    /// How long a progress answer stays in the shared cache (changes invalidate it at once).
    pub progress_cache_secs: u64,
    /// Public status queries per client address per 10 minutes.
    pub public_query_per_address: u64,
    /// Public status queries per application number per hour (wrong phone tails count).
    pub public_query_per_number: u64,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            township_amount_limit_fen: HashMap::from([("temporary".to_owned(), 200_000)]),
            max_amount_fen: 10_000_000,
            escalate_rejections_percent: 10,
            sample_percent: 10,
            materials_working_days: 10,
            monitoring_review_months: 6,
            progress_cache_secs: 300,
            public_query_per_address: 30,
            public_query_per_number: 10,
        }
    }
}

/// The civil-affairs data-exchange service that runs the economic check (bank deposits, real
/// estate, vehicles, social insurance) under the household's signed authorization.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataExchangeSettings {
    /// Its origin; unset, investigations record that no economic check could be made.
    pub base_url: Option<String>,
    /// Sent as `Authorization: Bearer`.
    pub api_key: Option<SecretString>,
    pub timeout_ms: u64,
}

impl Default for DataExchangeSettings {
    fn default() -> Self {
        Self { base_url: None, api_key: None, timeout_ms: 5000 }
    }
}

/// WeChat subscribe messages about progress, sent from the outbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationSettings {
    /// WeChat's API origin for `cgi-bin/token` and `message/subscribe/send`; unset, the
    /// sign-in's `wechat.base_url`.
    pub base_url: Option<String>,
    /// The subscribe-message template the mini program registered for progress updates.
    pub template_id: String,
    /// The mini program page the message opens (`{id}` is the application id).
    pub page: String,
    /// The template for check-in reminders (the window opened).
    pub checkin_template_id: String,
    /// The page a check-in reminder opens.
    pub checkin_page: String,
    /// Attempts before a notification is given up as `failed`.
    pub max_attempts: i32,
    /// The first retry waits this long; each next one twice as long (capped at an hour).
    pub backoff_secs: u64,
    pub timeout_ms: u64,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            template_id: "progress-update".to_owned(),
            page: "pages/progress/index?id={id}".to_owned(),
            checkin_template_id: "checkin-reminder".to_owned(),
            checkin_page: "pages/checkin/index".to_owned(),
            max_attempts: 6,
            backoff_secs: 30,
            timeout_ms: 3000,
        }
    }
}

/// Which verifier confirms a remote check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifierKind {
    /// WeChat 人脸核身 (`getverifyid`, the phone's `wx.requestFacialVerify`, `queryverifyinfo`):
    /// the face against the ID card's photo at the public-security source. High assurance.
    Wechat,
    /// Only what the server can see itself: a live face, not a replay. Low assurance, sampled.
    Local,
}

/// A check-in schedule for one aid item: every `period_months` from the start of the aid, open
/// from `opens_days_before` the due date until `grace_days` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinSchedule {
    pub period_months: u32,
    pub opens_days_before: u32,
    pub grace_days: u32,
}

/// Periodic check-ins (生存状况验证) of recipients.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckinSettings {
    pub verifier: VerifierKind,
    /// WeChat's API origin for face verification; unset, the sign-in's `wechat.base_url`.
    pub wechat_base_url: Option<String>,
    pub wechat_timeout_ms: u64,
    /// Per aid item code; items not listed (one-off aid such as 临时救助) have no check-ins.
    pub schedules: HashMap<String, CheckinSchedule>,
    /// How long a challenge (its nonce) can be used.
    pub challenge_ttl_secs: u64,
    /// Challenges one account may ask for per hour (each WeChat verification costs a call).
    pub challenges_per_hour: u64,
    /// Selfies whose perceptual hashes differ in at most this many of 64 bits are the same picture.
    pub replay_max_distance: u32,
    /// Share of low-assurance passes a township reviewer looks at, percent.
    pub sample_low_assurance_percent: u8,
    /// Days the community has for the home visit a missed or failed check-in opens.
    pub task_days: u32,
    /// Days a selfie (or visit photo) is kept; then the purge job deletes it.
    pub selfie_retention_days: u32,
    /// How old an assisted check-in made offline may be when it arrives.
    pub assisted_max_age_days: u32,
}

impl Default for CheckinSettings {
    fn default() -> Self {
        let quarterly = CheckinSchedule { period_months: 3, opens_days_before: 15, grace_days: 15 };
        Self {
            verifier: VerifierKind::Local,
            wechat_base_url: None,
            wechat_timeout_ms: 5000,
            schedules: HashMap::from([
                ("dibao".to_owned(), quarterly),
                ("tekun".to_owned(), quarterly),
                ("dibao_edge".to_owned(), CheckinSchedule { period_months: 6, ..quarterly }),
            ]),
            challenge_ttl_secs: 300,
            challenges_per_hour: 20,
            replay_max_distance: 6,
            sample_low_assurance_percent: 10,
            task_days: 10,
            selfie_retention_days: 90,
            assisted_max_age_days: 30,
        }
    }
}

/// Offline sync for helpers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncSettings {
    /// Days a deletion is kept for phones to pull; a phone that last synced before that syncs
    /// afresh (its cursor gets 410).
    pub tombstone_retention_days: u32,
    /// Largest chunk of a resumable upload, in bytes.
    pub upload_chunk_max_bytes: usize,
    /// Hours an upload may stay unfinished, or finished but not linked by a pushed operation,
    /// before the job deletes it.
    pub upload_expiry_hours: u32,
    /// Hours the first answer to an `Idempotency-Key` is kept for replay.
    pub idempotency_hours: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            tombstone_retention_days: 30,
            upload_chunk_max_bytes: 4 * 1024 * 1024,
            upload_expiry_hours: 72,
            idempotency_hours: 24,
        }
    }
}

/// Background jobs. Every node runs them; each is safe to run on several nodes at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSettings {
    /// Off in tests, which run the jobs themselves with a controlled clock.
    pub enabled: bool,
    /// Deadline warnings, overdue tickets, emergency materials.
    pub deadlines_every_secs: u64,
    /// Notification delivery and cache repair.
    pub outbox_every_ms: u64,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self { enabled: true, deadlines_every_secs: 300, outbox_every_ms: 2000 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, for production.
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter such as `info` or `api=debug,sqlx=warn`; `RUST_LOG` overrides it.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: LogFormat::Json, filter: "info,sqlx=warn,sea_orm=warn".to_owned() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("配置无效 / invalid configuration: {0}")]
    Invalid(#[from] config::ConfigError),
}

impl Settings {
    /// Loads the settings from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars().collect())
    }

    /// Loads the settings from an optional file and the given environment (tests pass their own).
    pub fn load_from(file: Option<&Path>, env: HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            builder = builder.add_source(config::File::from(path).required(true));
        }
        let prefix = format!("{ENV_PREFIX}__");
        let prefixed: HashMap<String, String> = env
            .iter()
            .filter(|(key, _)| key.starts_with(&prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("__")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("server.cors_allowed_origins")
                .try_parsing(true)
                .source(Some(prefixed)),
        );
        for (var, key) in [("DATABASE_URL", "database.url"), ("REDIS_URL", "redis.url")] {
            if let Some(value) = env.get(var).filter(|value| !value.is_empty()) {
                builder = builder.set_override(key, value.as_str())?;
            }
        }
        Ok(builder.build()?.try_deserialize()?)
    }

    /// The database URL in force: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> SecretString {
        match &self.database.url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.0.join("jiuzhu.db");
                SecretString::from(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }
}

impl DatabaseSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.acquire_timeout_secs)
    }
}

/// A URL fit for logs and error messages: the password, if any, replaced by `***`.
pub fn redact_url(url: &SecretString) -> String {
    let raw = url.expose_secret();
    let Some((scheme, rest)) = raw.split_once("://") else {
        return "***".to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = tail.split('?').next().unwrap_or_default();
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_apply_with_no_settings_at_all() {
        let settings = Settings::load_from(None, HashMap::new()).unwrap();
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.server.host.to_string(), "127.0.0.1");
        assert!(settings.redis.url.is_none());
        assert_eq!(settings.database_url().expose_secret(), "sqlite://data/jiuzhu.db?mode=rwc");
    }

    #[test]
    fn environment_overrides_defaults() {
        let settings = Settings::load_from(
            None,
            env(&[
                ("JIUZHU__SERVER__PORT", "9001"),
                ("JIUZHU__SERVER__HOST", "0.0.0.0"),
                ("JIUZHU__SERVER__CORS_ALLOWED_ORIGINS", "https://a.example,https://b.example"),
                ("JIUZHU__LOG__FORMAT", "pretty"),
                ("DATABASE_URL", "postgres://u:p@db/jiuzhu"),
                ("UNRELATED", "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.server.port, 9001);
        assert_eq!(settings.server.host.to_string(), "0.0.0.0");
        assert_eq!(settings.server.cors_allowed_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(settings.log.format, LogFormat::Pretty);
        assert_eq!(settings.database_url().expose_secret(), "postgres://u:p@db/jiuzhu");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = Settings::load_from(None, env(&[("JIUZHU__SERVER__PROT", "1")])).unwrap_err();
        assert!(err.to_string().contains("prot"), "{err}");
        let err = Settings::load_from(None, env(&[("JIUZHU__NOPE__X", "1")])).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Settings::load_from(None, env(&[("JIUZHU__SERVER__PORT", "eighty")])).is_err());
        assert!(Settings::load_from(None, env(&[("JIUZHU__LOG__FORMAT", "xml")])).is_err());
    }

    #[test]
    fn file_layer_sits_between_defaults_and_environment() {
        let dir = std::env::temp_dir().join(format!("jiuzhu-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("jiuzhu.toml");
        std::fs::write(&file, "[server]\nport = 7000\nworkers = 3\n").unwrap();
        let settings = Settings::load_from(Some(&file), env(&[("JIUZHU__SERVER__PORT", "7001")])).unwrap();
        assert_eq!(settings.server.port, 7001);
        assert_eq!(settings.server.workers, 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn secrets_never_print() {
        let settings = Settings::load_from(None, env(&[("REDIS_URL", "redis://:hunter2@cache:6379/0")])).unwrap();
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn redacted_urls_hide_passwords() {
        let url = SecretString::from("postgres://jiuzhu:s3cret@db.internal:5432/jiuzhu?sslmode=require");
        assert_eq!(redact_url(&url), "postgres://jiuzhu:***@db.internal:5432/jiuzhu");
        let url = SecretString::from("sqlite://data/jiuzhu.db?mode=rwc");
        assert_eq!(redact_url(&url), "sqlite://data/jiuzhu.db");
    }
}
