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

#[tokio::test]
async fn a_body_cut_off_in_the_middle_is_malformed_json_whatever_its_keys() {
    let app = TestApp::spawn().await;
    for cut in [r#"{"broken": "#, r#"{"household_size": 3, "monthly_income_fen": "#] {
        let response = app
            .client
            .post(app.url("/api/v1/precheck"))
            .header("Content-Type", "application/json")
            .body(cut)
            .send()
            .await
            .unwrap();
        let body = problem(response, 400, "MALFORMED_JSON").await;
        assert_eq!(body["errors"], serde_json::json!([]), "{cut}");
    }
}

#[tokio::test]
async fn a_bad_query_parameter_is_named_with_what_it_takes() {
    let app = TestApp::spawn().await;
    let body = problem(app.get("/api/v1/regions/tree?root=500199&depth=2").await, 400, "INVALID_QUERY").await;
    assert_eq!(body["errors"][0]["field"], "depth");
    assert_eq!(body["errors"][0]["code"], "UNKNOWN_FIELD");
    app.seed_demo().await;
    let admin = app.token("demo-admin").await;
    for (query, field) in [("limit=many", "limit"), ("level=planet", "level")] {
        let response = app.get_as(&format!("/api/v1/regions?{query}"), Some(&admin)).await;
        let body = problem(response, 400, "INVALID_QUERY").await;
        assert_eq!(
            (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
            (Some(field), Some("INVALID_VALUE"))
        );
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("请"), "a message that says what to do");
    }
}
