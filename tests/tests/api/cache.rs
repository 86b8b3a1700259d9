use api::config::RedisSettings;
use api::infra::cache::{Cache, CacheMode, contract};
use tests::{TcpProxy, redis_addr, redis_url};

fn redis_cache(prefix: &str) -> Cache {
    let settings = RedisSettings {
        url: Some(redis_url().into()),
        key_prefix: format!("jiuzhu:test:{prefix}:{}:", uuid::Uuid::new_v4().simple()),
        ..RedisSettings::default()
    };
    Cache::from_settings(&settings).unwrap()
}

#[tokio::test]
async fn redis_store_keeps_the_same_contract_as_the_fallback() {
    let cache = redis_cache("contract");
    assert_eq!(cache.mode(), CacheMode::Redis);
    contract::check(&cache).await.unwrap();
}

#[tokio::test]
async fn prefixes_keep_deployments_apart() {
    let a = redis_cache("a");
    let b = redis_cache("b");
    a.set("shared-name", b"a", std::time::Duration::from_secs(30)).await.unwrap();
    assert_eq!(b.get("shared-name").await.unwrap(), None);
    assert!(b.set_if_absent("shared-name", b"b", std::time::Duration::from_secs(30)).await.unwrap());
}

#[tokio::test]
async fn a_nonce_is_taken_once_even_by_racing_nodes() {
    let cache = redis_cache("nonce");
    cache.set("nonce:1", b"x", std::time::Duration::from_secs(30)).await.unwrap();
    let takers = (0..8).map(|_| {
        let cache = cache.clone();
        tokio::spawn(async move { cache.delete("nonce:1").await.unwrap() })
    });
    let mut taken = 0;
    for taker in takers {
        taken += usize::from(taker.await.unwrap());
    }
    assert_eq!(taken, 1);
}

/// Waits (bounded) until `cache` reaches Redis again after a `TcpProxy` was restored.
async fn until_it_answers(cache: &Cache) {
    for _ in 0..100 {
        if cache.ping().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("Redis did not answer through the restored proxy");
}

#[tokio::test]
async fn copies_are_not_served_by_a_redis_that_came_back_until_they_were_dropped() {
    let proxy = TcpProxy::start(redis_addr()).await;
    let settings = RedisSettings {
        url: Some(format!("redis://{}/0", proxy.addr).into()),
        key_prefix: format!("jiuzhu:test:copies:{}:", uuid::Uuid::new_v4().simple()),
        retry_after_failure_ms: 0,
        ..RedisSettings::default()
    };
    let cache = Cache::from_settings(&settings).unwrap().with_copies(&["copy:"]);
    let direct = Cache::from_settings(&RedisSettings { url: Some(redis_url().into()), ..settings.clone() }).unwrap();
    let ttl = std::time::Duration::from_secs(60);
    cache.set("copy:a", b"old", ttl).await.unwrap();
    cache.set("state:n", b"kept", ttl).await.unwrap();
    assert_eq!(cache.get("copy:a").await.unwrap(), None, "the first connection is not known current");
    cache.set("copy:a", b"current", ttl).await.unwrap();
    assert_eq!(cache.get("copy:a").await.unwrap().as_deref(), Some(b"current".as_slice()), "served while current");

    // Redis restarts from an older dump: the old copy is back and the connection is new.
    direct.set("copy:a", b"old", ttl).await.unwrap();
    proxy.cut();
    proxy.restore().await;
    until_it_answers(&cache).await;
    assert_eq!(cache.get("copy:a").await.unwrap(), None, "no copy from a Redis that came back");
    assert_eq!(direct.get("copy:a").await.unwrap(), None, "the copies were dropped");
    assert_eq!(cache.get("state:n").await.unwrap().as_deref(), Some(b"kept".as_slice()), "other keys stay");
    cache.set("copy:a", b"refilled", ttl).await.unwrap();
    assert_eq!(cache.get("copy:a").await.unwrap().as_deref(), Some(b"refilled".as_slice()), "served again");
}
