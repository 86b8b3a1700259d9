//! Progress from Redis and from PostgreSQL with the same answer, through a Redis outage; the
//! public status query.

use std::time::Duration;

use serde_json::{Value, json};
use tests::{TcpProxy, TestApp, problem, redis_addr};

#[tokio::test]
async fn progress_is_the_same_from_redis_and_from_the_database_and_survives_an_outage() {
    let proxy = TcpProxy::start(redis_addr()).await;
    let url = format!("redis://{}/0", proxy.addr);
    let app = TestApp::spawn_demo_with(|s| {
        s.redis.url = Some(url.into());
        s.redis.retry_after_failure_ms = 50;
    })
    .await;
    let (id, resident) = app.submitted("he", 7, &["dibao"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let key = format!("progress:{}", id.replace('-', ""));

    let from_db = app.progress_ok(&resident, &id).await;
    assert!(app.state.cache.get(&key).await.unwrap().is_some(), "the first read fills the cache");
    let from_cache = app.progress_ok(&resident, &id).await;
    assert_eq!(from_cache, from_db);
    let stranger = app.resident_token("stranger").await;
    problem(app.progress(Some(&stranger), &id).await, 404, "NOT_FOUND").await;

    // Redis goes away: reads come from PostgreSQL, and a change still commits.
    proxy.cut();
    assert_eq!(app.progress_ok(&resident, &id).await, from_db, "the database answers the same");
    // Reads waiting together go to the database as one batch; each gets its own answer.
    let unknown = uuid::Uuid::now_v7();
    let own = uuid::Uuid::parse_str(&id).unwrap();
    let reads = (0..12).map(|i| app.state.snapshots.read(if i % 3 == 0 { unknown } else { own }));
    let answers = futures_util::future::join_all(reads).await;
    for (i, answer) in answers.into_iter().enumerate() {
        let found = answer.unwrap();
        assert_eq!(found.is_some(), i % 3 != 0, "read {i}");
    }
    let accepted = app.step_ok(&reviewer, &id, "accept", json!({})).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted");
    use sea_orm::EntityTrait;
    let pending = entity::cache_repair::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(
        pending.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        [key.as_str()],
        "the stale key is remembered"
    );

    // Redis is back with the old entry in it: the repair job deletes it.
    proxy.restore().await;
    let mut repaired = 0;
    for _ in 0..60 {
        repaired = api::progress::cache::repair(&app.state.cache, &app.state.db).await.unwrap();
        if repaired > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(repaired, 1);
    assert!(entity::cache_repair::Entity::find().all(&app.state.db).await.unwrap().is_empty());
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted", "no stale answer after the outage");
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted", "and from the refilled cache");
}

#[tokio::test]
async fn after_redis_restarts_from_an_older_dump_progress_never_answers_the_old_status() {
    let proxy = TcpProxy::start(redis_addr()).await;
    let url = format!("redis://{}/0", proxy.addr);
    let app = TestApp::spawn_demo_with(|s| {
        s.redis.url = Some(url.into());
        s.redis.retry_after_failure_ms = 0;
    })
    .await;
    let (id, resident) = app.submitted("dump", 8, &["dibao"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let key = format!("progress:{}", id.replace('-', ""));
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "submitted");
    let dumped = app.state.cache.get(&key).await.unwrap().expect("the cached answer, as a dump keeps it");
    assert_eq!(app.step_ok(&reviewer, &id, "accept", json!({})).await["status"], "accepted");

    // Redis restarts from the dump taken before the change: the old answer is back, under a new
    // connection, and nothing is left for the repair job (the change's delete went through).
    app.state.cache.set(&key, &dumped, Duration::from_secs(300)).await.unwrap();
    proxy.cut();
    proxy.restore().await;
    for _ in 0..100 {
        if app.state.cache.ping().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.state.cache.ping().await.expect("Redis answers again");
    use sea_orm::EntityTrait;
    assert!(entity::cache_repair::Entity::find().all(&app.state.db).await.unwrap().is_empty());
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted", "not the old status from the dump");
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted", "and from the refilled cache");
    assert!(app.state.cache.get(&key).await.unwrap().is_some(), "the cache is in use again");
}

#[tokio::test]
async fn the_public_status_query_answers_the_status_only_and_is_rate_limited() {
    let app = TestApp::spawn_demo_with(|s| {
        s.review.public_query_per_number = 3;
        s.review.public_query_per_address = 6;
    })
    .await;
    let (id, resident) = app.submitted("feng", 8, &["dibao", "medical"]).await;
    let number = app.application(&resident, &id).await["number"].as_str().unwrap().to_owned();
    let query = |number: &str, tail: &str| json!({"number": number, "phone_tail": tail});

    let found = app.post_json("/api/v1/public/progress", None, &query(&number, "8000")).await;
    assert_eq!(found.status(), 200);
    let found: Value = found.json().await.unwrap();
    assert_eq!(found["status"], "submitted");
    assert_eq!(found["items"][0]["name"], "最低生活保障");
    let text = found.to_string();
    for private in ["张秀英", "李建国", "13800138000", id.as_str()] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    assert!(found.get("timeline").is_none() && found["items"][0].get("amount_fen").is_none());

    let bad_tail = app.post_json("/api/v1/public/progress", None, &query(&number, "12a4")).await;
    problem(bad_tail, 422, "VALIDATION_FAILED").await;
    let wrong =
        problem(app.post_json("/api/v1/public/progress", None, &query(&number, "1234")).await, 404, "NOT_FOUND").await;
    let unknown = app.post_json("/api/v1/public/progress", None, &query("JZ-2026-500199-999999", "8000")).await;
    let unknown = problem(unknown, 404, "NOT_FOUND").await;
    assert_eq!(wrong["detail"], unknown["detail"], "a wrong phone tail reads like an unknown number");

    // Per number: three queries an hour (the wrong tail counted).
    assert_eq!(app.post_json("/api/v1/public/progress", None, &query(&number, "8000")).await.status(), 200);
    let limited = app.post_json("/api/v1/public/progress", None, &query(&number, "8000")).await;
    assert!(limited.headers().contains_key("retry-after"));
    problem(limited, 429, "RATE_LIMITED").await;
    // Per address: six queries in ten minutes, whatever the number.
    problem(
        app.post_json("/api/v1/public/progress", None, &query("JZ-2026-500199-888888", "8000")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let limited = app.post_json("/api/v1/public/progress", None, &query("JZ-2026-500199-777777", "8000")).await;
    problem(limited, 429, "RATE_LIMITED").await;
}
