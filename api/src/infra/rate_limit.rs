//! Fixed-window rate limits in the shared store, so every node counts together. When Redis is
//! down each node counts in its own memory: weaker, but the limit still holds per node and the
//! endpoint keeps working. Keys are digests, never the address or number itself.

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::cache::Cache;

pub struct RateLimiter {
    shared: Cache,
    local: Cache,
}

/// One limit: at most `limit` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub limit: u64,
    pub window: Duration,
}

impl RateLimiter {
    pub fn new(shared: Cache) -> Self {
        Self { shared, local: Cache::in_process() }
    }

    /// Counts a hit on `name`/`subject`; `Err(retry_after_secs)` once over the limit.
    pub async fn hit(&self, name: &str, subject: &str, limit: Limit) -> Result<(), u64> {
        let key = format!("ratelimit:{name}:{}", digest(subject));
        let count = match self.shared.increment(&key, limit.window).await {
            Ok(count) => count,
            Err(_) => self.local.increment(&key, limit.window).await.unwrap_or(0),
        };
        if count > limit.limit { Err(limit.window.as_secs().max(1)) } else { Ok(()) }
    }
}

fn digest(subject: &str) -> String {
    let hash = Sha256::digest(subject.as_bytes());
    crate::hex::encode(&hash[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_holds_per_subject() {
        let limiter = RateLimiter::new(Cache::in_process());
        let limit = Limit { limit: 2, window: Duration::from_secs(60) };
        assert!(limiter.hit("q", "a", limit).await.is_ok());
        assert!(limiter.hit("q", "a", limit).await.is_ok());
        assert_eq!(limiter.hit("q", "a", limit).await, Err(60));
        assert!(limiter.hit("q", "b", limit).await.is_ok());
    }
}
