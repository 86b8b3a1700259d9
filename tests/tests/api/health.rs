use std::time::Duration;

use serde_json::Value;
use tests::{TcpProxy, TestApp, redis_addr};

#[tokio::test]
async fn healthz_answers_without_touching_dependencies() {
    let app = TestApp::spawn().await;
    let response = app.get_healthz().await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_each_dependency_up() {
    let app = TestApp::spawn().await;
    let response = app.get_readyz().await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["checks"]["database"]["status"], "up");
    assert_eq!(body["checks"]["redis"]["status"], "up");
    assert!(body["checks"]["redis"]["latency_ms"].is_number());
}

#[tokio::test]
async fn redis_down_at_start_degrades_but_serves() {
    let app = TestApp::spawn_with(|s| s.redis.url = Some("redis://127.0.0.1:1/0".into())).await;
    let response = app.get_readyz().await;
    assert_eq!(response.status(), 200, "a node without Redis still serves from the database");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "degraded", "{body}");
    assert_eq!(body["checks"]["redis"]["status"], "down");
    assert_eq!(body["checks"]["database"]["status"], "up");
    assert!(!body.to_string().contains("127.0.0.1"), "no addresses in the report: {body}");
    assert_eq!(app.get_healthz().await.status(), 200);
}

async fn readiness(app: &TestApp) -> (u16, Value) {
    let response = app.get_readyz().await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn redis_going_away_at_run_time_is_reported_and_recovered() {
    let proxy = TcpProxy::start(redis_addr()).await;
    let url = format!("redis://{}/0", proxy.addr);
    let app = TestApp::spawn_with(|s| {
        s.redis.url = Some(url.into());
        s.redis.retry_after_failure_ms = 100;
    })
    .await;
    assert_eq!(readiness(&app).await.1["status"], "ready");

    proxy.cut();
    let (status, body) = readiness(&app).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("degraded")), "{body}");
    assert_eq!(app.get_healthz().await.status(), 200, "the process does not crash");

    proxy.restore().await;
    let mut last = Value::Null;
    for _ in 0..50 {
        last = readiness(&app).await.1;
        if last["status"] == "ready" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("Redis came back but readiness stayed {last}");
}

#[tokio::test]
async fn database_going_away_makes_the_node_unready() {
    let database = tests::TestDatabase::create().await;
    let admin = tests::admin_url();
    let host = admin.trim_start_matches("postgres://").split('/').next().unwrap().rsplit('@').next().unwrap();
    let pg: std::net::SocketAddr = std::net::ToSocketAddrs::to_socket_addrs(host).unwrap().next().unwrap();
    let proxy = TcpProxy::start(pg).await;
    let url = database.url().replace(host, &proxy.addr.to_string());
    let app = TestApp::spawn_with(|s| {
        s.database.url = Some(url.into());
        s.database.acquire_timeout_secs = 1;
        s.database.connect_timeout_secs = 1;
    })
    .await;
    assert_eq!(readiness(&app).await.0, 200);
    proxy.cut();
    let response = app.get_readyz().await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_eq!(body["checks"]["database"]["status"], "down");
}
