//! A small key-value store for what must be shared between API nodes: cache entries, rate-limit
//! counters, single-use nonces and short locks.
//!
//! With `REDIS_URL` set it is Redis (7 or newer), reached through a lazily connecting
//! `ConnectionManager`, so the server starts even when Redis is down. Each call is bounded by a
//! timeout; after a failure the store reports `Unavailable` at once for a short while instead of
//! making every request wait for a dead Redis, and callers fall back to the database. Without
//! `REDIS_URL` it is an in-process map: correct for one node only, and the server says so.
//!
//! Keys are given without the configured prefix and must never contain personal data.
//!
//! Some keys hold copies of database state (`with_copies` names their prefixes, e.g. progress
//! answers). A Redis that was away may come back older than the database: restarted from a dump
//! taken before entries were deleted, or having missed deletes while this node could not reach
//! it. So a copy is served only while the connection it is read on is the one whose copies were
//! last dropped: each read asks `CLIENT ID` in the same round trip, and a new connection (at
//! start, after a restart or a reconnect) or a failed call since means every copy is dropped
//! (`SCAN` + `UNLINK`) before one is served again. Readers meanwhile get a miss and go to the
//! database.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::ExposeSecret;

use crate::config::{RedisSettings, redact_url};

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("Redis unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, thiserror::Error)]
#[error(
    "REDIS_URL 无效 / invalid REDIS_URL {url}: {source}. Set REDIS_URL (or JIUZHU__REDIS__URL) to redis://host:port/db, or unset it to run single-node."
)]
pub struct CacheStartError {
    url: String,
    source: redis::RedisError,
}

/// Which store is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    Redis,
    InProcess,
}

#[derive(Clone)]
pub struct Cache {
    backend: Arc<Backend>,
}

enum Backend {
    Redis(RedisStore),
    Memory(MemoryStore),
}

impl Cache {
    /// Builds the store from settings without connecting; Redis is reached on first use.
    pub fn from_settings(settings: &RedisSettings) -> Result<Self, CacheStartError> {
        let Some(url) = &settings.url else {
            tracing::warn!(
                "REDIS_URL is not set: running single-node with an in-process store for cache, rate limits \
                 and nonces. Do not run more than one node like this."
            );
            return Ok(Self::in_process());
        };
        let start_error = |source| CacheStartError { url: redact_url(url), source };
        let client = redis::Client::open(url.expose_secret()).map_err(start_error)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(settings.connect_timeout_ms)))
            .set_response_timeout(Some(Duration::from_millis(settings.response_timeout_ms)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(settings.connect_timeout_ms));
        let manager = ConnectionManager::new_lazy_with_config(client, config).map_err(start_error)?;
        tracing::info!(url = %redact_url(url), "using Redis for cache, rate limits and nonces");
        Ok(Self {
            backend: Arc::new(Backend::Redis(RedisStore {
                manager,
                prefix: settings.key_prefix.clone(),
                call_timeout: Duration::from_millis(settings.connect_timeout_ms + settings.response_timeout_ms),
                pause: Duration::from_millis(settings.retry_after_failure_ms),
                epoch: Instant::now(),
                paused_until_ms: AtomicU64::new(0),
                copies: Vec::new(),
                verified_client: AtomicI64::new(UNVERIFIED),
                dropping: tokio::sync::Mutex::new(()),
            })),
        })
    }

    /// Declares the keys starting with one of `prefixes` copies of database state: served only
    /// when known current (see the module docs). Call before the store is cloned.
    #[must_use]
    pub fn with_copies(mut self, prefixes: &[&str]) -> Self {
        if let Some(Backend::Redis(store)) = Arc::get_mut(&mut self.backend) {
            store.copies = prefixes.iter().map(|p| (*p).to_owned()).collect();
        }
        self
    }

    /// The in-process store, for a single node without Redis.
    pub fn in_process() -> Self {
        Self { backend: Arc::new(Backend::Memory(MemoryStore::new())) }
    }

    pub fn mode(&self) -> CacheMode {
        match *self.backend {
            Backend::Redis(_) => CacheMode::Redis,
            Backend::Memory(_) => CacheMode::InProcess,
        }
    }

    /// Checks that the store answers, ignoring any pause after earlier failures.
    pub async fn ping(&self) -> Result<Duration, CacheError> {
        let started = Instant::now();
        match &*self.backend {
            Backend::Redis(store) => store
                .run(true, |mut c| async move { redis::cmd("PING").query_async::<String>(&mut c).await })
                .await
                .map(|_| started.elapsed()),
            Backend::Memory(_) => Ok(started.elapsed()),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        match &*self.backend {
            Backend::Redis(store) if store.is_copy(key) => store.get_copy(key).await,
            Backend::Redis(store) => {
                let cmd = redis::cmd("GET").arg(store.key(key)).to_owned();
                store.run(false, |mut c| async move { cmd.query_async(&mut c).await }).await
            }
            Backend::Memory(store) => Ok(store.get(key)),
        }
    }

    /// Stores `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        match &*self.backend {
            Backend::Redis(store) => {
                let mut cmd = redis::cmd("SET");
                cmd.arg(store.key(key)).arg(value).arg("PX").arg(millis(ttl));
                store.run(false, |mut c| async move { cmd.query_async(&mut c).await }).await
            }
            Backend::Memory(store) => {
                store.put(key, value, ttl, false);
                Ok(())
            }
        }
    }

    /// Stores `value` only if `key` is absent; true when it was stored. For nonces and locks.
    pub async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        match &*self.backend {
            Backend::Redis(store) => {
                let mut cmd = redis::cmd("SET");
                cmd.arg(store.key(key)).arg(value).arg("PX").arg(millis(ttl)).arg("NX");
                let reply: Option<String> =
                    store.run(false, |mut c| async move { cmd.query_async(&mut c).await }).await?;
                Ok(reply.is_some())
            }
            Backend::Memory(store) => Ok(store.put(key, value, ttl, true)),
        }
    }

    /// Removes `key`; true when it existed. Taking a nonce is `delete` returning true.
    pub async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        match &*self.backend {
            Backend::Redis(store) => {
                let cmd = redis::cmd("DEL").arg(store.key(key)).to_owned();
                let removed: u64 = store.run(false, |mut c| async move { cmd.query_async(&mut c).await }).await?;
                Ok(removed > 0)
            }
            Backend::Memory(store) => Ok(store.remove(key)),
        }
    }

    /// Removes `key` and returns what it held, in one step (`GETDEL`): whoever gets the value
    /// is the only one. Taking a single-use nonce that carries data.
    pub async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        match &*self.backend {
            Backend::Redis(store) => {
                let cmd = redis::cmd("GETDEL").arg(store.key(key)).to_owned();
                store.run(false, |mut c| async move { cmd.query_async(&mut c).await }).await
            }
            Backend::Memory(store) => Ok(store.take(key)),
        }
    }

    /// Adds one to the counter under `key`, which expires `window` after its first increment;
    /// returns the new count. For fixed-window rate limits and lockouts.
    pub async fn increment(&self, key: &str, window: Duration) -> Result<u64, CacheError> {
        match &*self.backend {
            Backend::Redis(store) => {
                let key = store.key(key);
                let mut pipe = redis::pipe();
                pipe.atomic().cmd("INCR").arg(&key).cmd("PEXPIRE").arg(&key).arg(millis(window)).arg("NX").ignore();
                let (count,): (u64,) = store.run(false, |mut c| async move { pipe.query_async(&mut c).await }).await?;
                Ok(count)
            }
            Backend::Memory(store) => Ok(store.increment(key, window)),
        }
    }
}

impl Cache {
    /// The current value of a counter made by `increment`; 0 when absent or expired.
    pub async fn counter(&self, key: &str) -> Result<u64, CacheError> {
        Ok(self.get(key).await?.as_deref().map_or(0, parse_counter))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

struct RedisStore {
    manager: ConnectionManager,
    prefix: String,
    call_timeout: Duration,
    pause: Duration,
    epoch: Instant,
    paused_until_ms: AtomicU64,
    /// Prefixes of the keys that are copies of database state.
    copies: Vec<String>,
    /// The `CLIENT ID` of the connection whose copies were last dropped, or `UNVERIFIED`.
    verified_client: AtomicI64,
    /// One drop of the copies at a time.
    dropping: tokio::sync::Mutex<()>,
}

/// No connection is known current (at start, and after any failed call).
const UNVERIFIED: i64 = -1;

impl RedisStore {
    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one call with a bounded wait; a failure pauses Redis use (see the module docs).
    async fn run<T, F, Fut>(&self, ignore_pause: bool, call: F) -> Result<T, CacheError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        if !ignore_pause && self.now_ms() < self.paused_until_ms.load(Ordering::Relaxed) {
            return Err(CacheError::Unavailable("paused after a recent failure".to_owned()));
        }
        let outcome = tokio::time::timeout(self.call_timeout, call(self.manager.clone())).await;
        let error = match outcome {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(err)) => err.to_string(),
            Err(_) => "timed out".to_owned(),
        };
        // Deletes may have been lost: copies wait for the next drop.
        self.verified_client.store(UNVERIFIED, Ordering::Relaxed);
        let until = self.now_ms().saturating_add(u64::try_from(self.pause.as_millis()).unwrap_or(0));
        if self.paused_until_ms.swap(until, Ordering::Relaxed) <= self.now_ms() {
            tracing::warn!(error = %error, "Redis call failed; using the fallback path for {:?}", self.pause);
        }
        Err(CacheError::Unavailable(error))
    }
}

impl RedisStore {
    fn is_copy(&self, key: &str) -> bool {
        self.copies.iter().any(|prefix| key.starts_with(prefix.as_str()))
    }

    /// A copy, when the connection is known current; else the copies are dropped and it is a miss.
    async fn get_copy(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut pipe = redis::pipe();
        pipe.cmd("CLIENT").arg("ID").cmd("GET").arg(self.key(key));
        let (client, value): (i64, Option<Vec<u8>>) =
            self.run(false, |mut c| async move { pipe.query_async(&mut c).await }).await?;
        if client == self.verified_client.load(Ordering::Relaxed) {
            return Ok(value);
        }
        self.drop_copies(client).await?;
        Ok(None)
    }

    /// Deletes every copy, then trusts connection `client`. Several nodes may do it at once.
    async fn drop_copies(&self, client: i64) -> Result<(), CacheError> {
        let _one_at_a_time = self.dropping.lock().await;
        if client == self.verified_client.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut dropped = 0;
        for prefix in &self.copies {
            dropped += self.unlink_matching(&format!("{}{}*", glob_escape(&self.prefix), glob_escape(prefix))).await?;
        }
        self.verified_client.store(client, Ordering::Relaxed);
        tracing::info!(dropped, "a new Redis connection: cached copies dropped, they refill from the database");
        Ok(())
    }

    /// Deletes the keys matching `pattern`, a batch per `SCAN` step; how many.
    async fn unlink_matching(&self, pattern: &str) -> Result<usize, CacheError> {
        let (mut cursor, mut count) = (0u64, 0);
        loop {
            let scan = redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000).to_owned();
            let (next, keys): (u64, Vec<Vec<u8>>) =
                self.run(false, |mut c| async move { scan.query_async(&mut c).await }).await?;
            if !keys.is_empty() {
                count += keys.len();
                let unlink = redis::cmd("UNLINK").arg(keys).to_owned();
                self.run(false, |mut c| async move { unlink.query_async::<u64>(&mut c).await }).await?;
            }
            if next == 0 {
                return Ok(count);
            }
            cursor = next;
        }
    }
}

/// `text` with the glob characters of `SCAN MATCH` escaped.
fn glob_escape(text: &str) -> String {
    text.chars().fold(String::with_capacity(text.len()), |mut out, c| {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// The in-process store: a map with expiry, swept as it grows.
struct MemoryStore {
    entries: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
}

const SWEEP_AT: usize = 10_000;

impl MemoryStore {
    fn new() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Vec<u8>, Instant)>> {
        // A panic while holding the lock cannot leave the map half-written, so poison is harmless.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let now = Instant::now();
        self.lock().get(key).filter(|(_, expires)| *expires > now).map(|(value, _)| value.clone())
    }

    fn put(&self, key: &str, value: &[u8], ttl: Duration, only_if_absent: bool) -> bool {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (_, expires)| *expires > now);
        }
        if only_if_absent && entries.get(key).is_some_and(|(_, expires)| *expires > now) {
            return false;
        }
        entries.insert(key.to_owned(), (value.to_vec(), now + ttl));
        true
    }

    fn remove(&self, key: &str) -> bool {
        self.take(key).is_some()
    }

    fn take(&self, key: &str) -> Option<Vec<u8>> {
        let now = Instant::now();
        self.lock().remove(key).filter(|(_, expires)| *expires > now).map(|(value, _)| value)
    }

    fn increment(&self, key: &str, window: Duration) -> u64 {
        let now = Instant::now();
        let mut entries = self.lock();
        let entry = entries.entry(key.to_owned()).or_insert_with(|| (b"0".to_vec(), now + window));
        if entry.1 <= now {
            *entry = (b"0".to_vec(), now + window);
        }
        // Decimal text, as Redis keeps counters, so `Cache::counter` reads both alike.
        let count = parse_counter(&entry.0).saturating_add(1);
        entry.0 = count.to_string().into_bytes();
        count
    }
}

fn parse_counter(raw: &[u8]) -> u64 {
    std::str::from_utf8(raw).ok().and_then(|text| text.parse().ok()).unwrap_or(0)
}

/// Behaviour shared by both back ends; the integration tests run it against real Redis.
pub mod contract {
    use super::*;

    /// Exercises every operation; the first broken expectation is the error.
    pub async fn check(cache: &Cache) -> Result<(), String> {
        let ttl = Duration::from_secs(60);
        let ensure = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_owned()) };
        let err = |e: CacheError| e.to_string();
        ensure(cache.get("absent").await.map_err(err)?.is_none(), "absent key must read as none")?;
        cache.set("k", b"v1", ttl).await.map_err(err)?;
        ensure(cache.get("k").await.map_err(err)?.as_deref() == Some(b"v1".as_slice()), "set then get")?;
        ensure(cache.set_if_absent("n", b"1", ttl).await.map_err(err)?, "first set_if_absent stores")?;
        ensure(!cache.set_if_absent("n", b"2", ttl).await.map_err(err)?, "second set_if_absent refuses")?;
        ensure(cache.delete("n").await.map_err(err)?, "delete of a present key is true")?;
        ensure(!cache.delete("n").await.map_err(err)?, "a nonce can be taken once only")?;
        cache.set("t", b"payload", ttl).await.map_err(err)?;
        ensure(
            cache.take("t").await.map_err(err)?.as_deref() == Some(b"payload".as_slice()),
            "take returns the value",
        )?;
        ensure(cache.take("t").await.map_err(err)?.is_none(), "a taken value is gone")?;
        ensure(cache.increment("c", ttl).await.map_err(err)? == 1, "first increment is 1")?;
        ensure(cache.increment("c", ttl).await.map_err(err)? == 2, "second increment is 2")?;
        ensure(cache.counter("c").await.map_err(err)? == 2, "a counter reads back")?;
        ensure(cache.counter("absent").await.map_err(err)? == 0, "an absent counter is 0")?;
        cache.set("short", b"x", Duration::from_millis(20)).await.map_err(err)?;
        tokio::time::sleep(Duration::from_millis(60)).await;
        ensure(cache.get("short").await.map_err(err)?.is_none(), "entries expire")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_process_store_keeps_the_contract() {
        contract::check(&Cache::in_process()).await.unwrap();
    }

    #[tokio::test]
    async fn counters_restart_after_their_window() {
        let cache = Cache::in_process();
        assert_eq!(cache.increment("w", Duration::from_millis(20)).await.unwrap(), 1);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(cache.increment("w", Duration::from_millis(20)).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn unreachable_redis_fails_fast_instead_of_hanging() {
        let settings = RedisSettings { url: Some("redis://127.0.0.1:1/0".into()), ..RedisSettings::default() };
        let cache = Cache::from_settings(&settings).unwrap();
        assert_eq!(cache.mode(), CacheMode::Redis);
        assert!(cache.get("k").await.is_err());
        let started = Instant::now();
        assert!(cache.get("k").await.is_err(), "paused after the failure");
        assert!(started.elapsed() < Duration::from_millis(50));
        assert!(cache.ping().await.is_err());
    }

    #[test]
    fn a_malformed_url_names_the_setting() {
        let settings = RedisSettings { url: Some("http://nope".into()), ..RedisSettings::default() };
        let err = Cache::from_settings(&settings).err().unwrap();
        assert!(err.to_string().contains("REDIS_URL"), "{err}");
    }
}
