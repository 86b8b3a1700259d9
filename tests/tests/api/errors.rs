use tests::{TestApp, problem};

#[tokio::test]
async fn unknown_route_is_a_chinese_problem_by_default() {
    let app = TestApp::spawn().await;
    let body = problem(app.get("/api/v1/no-such-thing").await, 404, "ROUTE_NOT_FOUND").await;
    assert_eq!(body["title"], "接口不存在");
    assert_eq!(body["errors"], serde_json::json!([]));
}

#[tokio::test]
async fn english_when_the_caller_asks_for_it() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/nope")).header("Accept-Language", "en-US,en;q=0.9").send().await.unwrap();
    assert_eq!(response.headers()["content-language"], "en");
    let body = problem(response, 404, "ROUTE_NOT_FOUND").await;
    assert_eq!(body["title"], "No such endpoint");
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let response = app.client.delete(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    problem(response, 405, "METHOD_NOT_ALLOWED").await;
}

#[tokio::test]
async fn a_gateways_request_id_is_kept_and_a_bad_one_replaced() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/nope")).header("X-Request-Id", "gw-123_abc").send().await.unwrap();
    let body = problem(response, 404, "ROUTE_NOT_FOUND").await;
    assert_eq!(body["request_id"], "gw-123_abc");

    let response = app.client.get(app.url("/nope")).header("X-Request-Id", "bad id\twith spaces").send().await.unwrap();
    let body = problem(response, 404, "ROUTE_NOT_FOUND").await;
    assert_ne!(body["request_id"], "bad id\twith spaces");
}

#[tokio::test]
async fn responses_carry_protective_headers() {
    let app = TestApp::spawn().await;
    let response = app.get_healthz().await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["cache-control"], "no-store");
}
