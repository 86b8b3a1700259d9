use serde_json::Value;
use tests::TestApp;

#[tokio::test]
async fn embedded_default_serves_without_postgres_or_redis() {
    let app = TestApp::spawn_sqlite().await;
    let response = app.get_readyz().await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["checks"]["redis"]["status"], "in_process");
    assert_eq!(body["checks"]["database"]["status"], "up");
    tests::problem(app.get("/nope").await, 404, "ROUTE_NOT_FOUND").await;
}
