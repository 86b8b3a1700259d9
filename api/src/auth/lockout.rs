//! Locks password sign-in after repeated failures, per username and per client address.
//!
//! Counters live in the shared store (Redis), so every node sees the same count; keys hold SHA-256
//! digests, never the username or address itself. When Redis is down the counts fall back to this
//! node's memory: weaker (each node counts alone) but the lock still works, and sign-in does not
//! fail because of the outage.

use std::net::IpAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::config::AuthSettings;
use crate::error::{ApiError, ErrorCode};
use crate::infra::cache::Cache;
use crate::state::AppState;

pub struct Lockout<'a> {
    shared: &'a Cache,
    /// This node's own counts, used when the shared store does not answer.
    local: &'a Cache,
    account_limit: u64,
    address_limit: u64,
    window: Duration,
}

impl<'a> Lockout<'a> {
    /// The lockout over the state's shared store, falling back to its in-process one.
    pub fn of(state: &'a AppState) -> Self {
        Self::new(&state.cache, &state.local_cache, &state.settings.auth)
    }

    pub fn new(shared: &'a Cache, local: &'a Cache, settings: &AuthSettings) -> Self {
        Self {
            shared,
            local,
            account_limit: settings.lockout_account_failures.max(1),
            address_limit: settings.lockout_address_failures.max(1),
            window: Duration::from_secs(settings.lockout_window_secs.max(1)),
        }
    }

    /// 429 `ACCOUNT_LOCKED` when either counter has reached its limit.
    pub async fn ensure_open(&self, username: &str, address: Option<IpAddr>) -> Result<(), ApiError> {
        let account = self.count(&account_key(username)).await >= self.account_limit;
        let address = match address {
            Some(ip) => self.count(&address_key(ip)).await >= self.address_limit,
            None => false,
        };
        if account || address {
            return Err(ApiError::new(ErrorCode::AccountLocked).with_retry_after(self.window.as_secs()));
        }
        Ok(())
    }

    pub async fn record_failure(&self, username: &str, address: Option<IpAddr>) {
        self.bump(&account_key(username)).await;
        if let Some(ip) = address {
            self.bump(&address_key(ip)).await;
        }
    }

    /// A successful sign-in clears the account's count (not the address's: one good password from
    /// an address does not excuse its guesses at other accounts).
    pub async fn record_success(&self, username: &str) {
        let key = account_key(username);
        if self.shared.delete(&key).await.is_err() {
            let _ = self.local.delete(&key).await;
        }
    }

    async fn count(&self, key: &str) -> u64 {
        match self.shared.counter(key).await {
            Ok(count) => count,
            Err(_) => self.local.counter(key).await.unwrap_or(0),
        }
    }

    async fn bump(&self, key: &str) {
        if self.shared.increment(key, self.window).await.is_err() {
            let _ = self.local.increment(key, self.window).await;
        }
    }
}

fn account_key(username: &str) -> String {
    format!("lockout:account:{}", digest(username.trim().to_lowercase().as_bytes()))
}

fn address_key(ip: IpAddr) -> String {
    format!("lockout:address:{}", digest(ip.to_string().as_bytes()))
}

fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(bytes)[..16])
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn lockout<'a>(shared: &'a Cache, local: &'a Cache) -> Lockout<'a> {
        let settings = AuthSettings { lockout_account_failures: 3, lockout_address_failures: 5, ..Default::default() };
        Lockout::new(shared, local, &settings)
    }

    #[tokio::test]
    async fn an_account_locks_after_its_limit_and_success_clears_it() {
        let (shared, local) = (Cache::in_process(), Cache::in_process());
        let lockout = lockout(&shared, &local);
        for _ in 0..2 {
            lockout.record_failure("Reviewer", None).await;
        }
        lockout.ensure_open("reviewer", None).await.unwrap();
        lockout.record_success("reviewer").await;
        for _ in 0..3 {
            lockout.record_failure("reviewer", None).await;
        }
        let err = lockout.ensure_open(" REVIEWER ", None).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::AccountLocked);
        lockout.ensure_open("someone-else", None).await.unwrap();
    }

    #[tokio::test]
    async fn an_address_locks_across_usernames() {
        let (shared, local) = (Cache::in_process(), Cache::in_process());
        let lockout = lockout(&shared, &local);
        let ip = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)));
        for n in 0..5 {
            lockout.record_failure(&format!("user{n}"), ip).await;
        }
        assert!(lockout.ensure_open("fresh-user", ip).await.is_err());
        lockout.ensure_open("fresh-user", None).await.unwrap();
    }

    #[tokio::test]
    async fn without_redis_the_lock_still_holds_on_this_node() {
        let settings = crate::config::RedisSettings {
            url: Some("redis://127.0.0.1:1/0".into()),
            ..crate::config::RedisSettings::default()
        };
        let (shared, local) = (Cache::from_settings(&settings).unwrap(), Cache::in_process());
        let lockout = lockout(&shared, &local);
        for _ in 0..3 {
            lockout.record_failure("reviewer", None).await;
        }
        assert!(lockout.ensure_open("reviewer", None).await.is_err());
    }

    #[test]
    fn keys_never_hold_the_username() {
        assert!(!account_key("zhangwei").contains("zhangwei"));
        assert_eq!(account_key("ZhangWei"), account_key("zhangwei"));
    }
}
