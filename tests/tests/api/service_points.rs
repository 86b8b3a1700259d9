//! Service points: admins create them, staff print their QR codes, anyone scans them.

use serde_json::{Value, json};
use tests::{TestApp, problem};
use uuid::Uuid;

fn point(id: Uuid, community: &str) -> Value {
    json!({"id": id, "community_code": community, "name": "和平社区便民服务站"})
}

async fn create(app: &TestApp, admin: &str, body: &Value) -> reqwest::Response {
    app.post_json("/api/v1/service-points", Some(admin), body).await
}

async fn scan(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/api/v1/scan", None, &json!({"token": token})).await
}

#[tokio::test]
async fn a_scanned_code_opens_the_application_with_the_places_filled_in() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let id = Uuid::now_v7();
    let created = create(&app, &admin, &point(id, "500199001001")).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    assert!(!token.contains(&id.to_string()), "the token is not the raw id");

    let again: Value = create(&app, &admin, &point(id, "500199001001")).await.json().await.unwrap();
    assert_eq!(again["token"], token, "a retried create returns the same point");
    let other = create(&app, &admin, &point(id, "500199001002")).await;
    problem(other, 409, "CONFLICT").await;

    let response = scan(&app, token).await;
    assert_eq!(response.status(), 200);
    let scanned: Value = response.json().await.unwrap();
    assert_eq!(scanned["community"], json!({"code": "500199001001", "name": "和平社区"}));
    assert_eq!(scanned["township"], json!({"code": "500199001", "name": "青石街道"}));
    assert_eq!(scanned["district"], json!({"code": "500199", "name": "渝州示范区"}));
    assert_eq!(scanned["catalog"].as_array().unwrap().len(), 13);
}

#[tokio::test]
async fn forged_withdrawn_and_expired_codes_are_refused_clearly() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let id = Uuid::now_v7();
    let created: Value = create(&app, &admin, &point(id, "500199002001")).await.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [tampered.as_str(), "JZSP1.AAAA", "https://weixin.qq.com/x", &id.to_string()] {
        let body = problem(scan(&app, forged).await, 422, "QR_CODE_INVALID").await;
        assert!(body["detail"].as_str().unwrap().contains("二维码"), "{body}");
    }
    problem(app.post_json("/api/v1/scan", None, &json!({})).await, 422, "VALIDATION_FAILED").await;

    let revoke = app.post_json(&format!("/api/v1/service-points/{id}/revoke"), Some(&admin), &json!({})).await;
    assert_eq!(revoke.status(), 200);
    problem(scan(&app, &token).await, 410, "QR_CODE_EXPIRED").await;

    let expired = Uuid::now_v7();
    let mut body = point(expired, "500199002001");
    body["expires_at"] = json!("2020-01-01T00:00:00Z");
    let created: Value = create(&app, &admin, &body).await.json().await.unwrap();
    problem(scan(&app, created["token"].as_str().unwrap()).await, 410, "QR_CODE_EXPIRED").await;
}

#[tokio::test]
async fn only_existing_communities_get_service_points() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    for community in ["500199001", "500199001099", "abc"] {
        let body =
            problem(create(&app, &admin, &point(Uuid::now_v7(), community)).await, 422, "VALIDATION_FAILED").await;
        assert_eq!(body["errors"][0]["code"], "REGION_NOT_FOUND", "{community}");
    }
    let reviewer = app.token("demo-reviewer").await;
    problem(create(&app, &reviewer, &point(Uuid::now_v7(), "500199001001")).await, 403, "FORBIDDEN").await;
    problem(
        app.post_json("/api/v1/service-points", None, &point(Uuid::now_v7(), "500199001001")).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
}

#[tokio::test]
async fn staff_of_the_community_print_the_code_and_others_cannot_see_it() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let id = Uuid::now_v7();
    assert_eq!(create(&app, &admin, &point(id, "500199001001")).await.status(), 201);
    let path = format!("/api/v1/service-points/{id}/qrcode.png");
    for username in ["demo-grid-worker", "demo-reviewer", "demo-supervisor", "demo-admin"] {
        let response = app.get_as(&path, Some(&app.token(username).await)).await;
        assert_eq!(response.status(), 200, "{username}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let png = response.bytes().await.unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 200, "{username}");
    }
    let other_helper = app.token("demo-helper-b").await;
    problem(app.get_as(&path, Some(&other_helper)).await, 404, "NOT_FOUND").await;
    let other_reviewer = app.token("demo-reviewer-2").await;
    problem(app.get_as(&path, Some(&other_reviewer)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&path, Some(&app.resident_token("zhao").await)).await, 403, "FORBIDDEN").await;
    problem(app.get_as(&path, None).await, 401, "UNAUTHENTICATED").await;
    let reviewer = app.token("demo-reviewer").await;
    let revoke = app.post_json(&format!("/api/v1/service-points/{id}/revoke"), Some(&reviewer), &json!({})).await;
    problem(revoke, 403, "FORBIDDEN").await;
}
