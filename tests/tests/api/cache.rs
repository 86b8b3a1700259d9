use api::config::RedisSettings;
use api::infra::cache::{Cache, CacheMode, contract};
use tests::redis_url;

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
