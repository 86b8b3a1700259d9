use tests::TestApp;

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, app.url("/readyz"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn configured_origins_are_allowed_and_others_are_not() {
    let app = TestApp::spawn_with(|s| s.server.cors_allowed_origins = vec!["https://admin.example".into()]).await;
    let allowed = preflight(&app, "https://admin.example").await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://admin.example");
    let refused = preflight(&app, "https://evil.example").await;
    assert!(!refused.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn no_cors_headers_when_none_are_configured() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).header("Origin", "https://admin.example").send().await.unwrap();
    assert_eq!(response.status(), 200, "requests with an Origin are still served");
    assert!(!response.headers().contains_key("access-control-allow-origin"));
}
