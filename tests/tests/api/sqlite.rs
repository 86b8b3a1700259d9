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

#[tokio::test]
async fn sign_in_and_scopes_work_on_the_embedded_default() {
    let app = TestApp::spawn_sqlite().await;
    app.seed_demo().await;
    let session = app.sign_in("demo-reviewer").await;
    let token = session["access_token"].as_str();
    assert_eq!(app.get_as("/api/v1/regions/500199001/staff", token).await.status(), 200);
    tests::problem(app.get_as("/api/v1/regions/500199002/staff", token).await, 403, "FORBIDDEN").await;
    let refreshed = app
        .post_json("/api/v1/auth/refresh", None, &serde_json::json!({"refresh_token": session["refresh_token"]}))
        .await;
    assert_eq!(refreshed.status(), 200);
    let resident = app.resident_sign_in("sqlite").await;
    assert_eq!(resident["account"]["role"], "resident");
}

#[tokio::test]
async fn the_application_flow_works_on_the_embedded_default() {
    let app = TestApp::spawn_sqlite().await;
    app.seed_demo().await;
    let resident = app.resident_token("sqlite-applicant").await;
    let (first, _) = app.ready_draft(&resident, "500199001001", 1).await;
    let submitted: Value = app.submit(&resident, &first).await.json().await.unwrap();
    assert!(submitted["number"].as_str().unwrap().ends_with("-500199-000001"), "{submitted}");
    let (second, _) = app.ready_draft(&resident, "500199001001", 1).await;
    tests::problem(app.submit(&resident, &second).await, 409, "DUPLICATE_APPLICATION").await;
}

#[tokio::test]
async fn a_helper_pulls_what_changed_on_the_embedded_default() {
    let app = TestApp::spawn_sqlite().await;
    app.seed_demo().await;
    let helper = app.token("demo-social-worker").await;
    let id = uuid::Uuid::now_v7().to_string();
    let body = serde_json::json!({"id": id, "community_code": "500199001001", "items": ["dibao"],
                                  "contact_phone": "13800138000", "household": {}});
    assert_eq!(app.create_application(&helper, &body).await.status(), 201);
    let full: Value = app.get_as("/api/v1/sync/pull", Some(&helper)).await.json().await.unwrap();
    let changes = full["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 13 + 6 + 1, "{full}");
    let pulled = changes.iter().find(|c| c["entity"] == "application").unwrap();
    assert_eq!((pulled["id"].as_str(), pulled["application"]["id"].as_str()), (Some(id.as_str()), Some(id.as_str())));

    let member =
        serde_json::json!({"name": "张秀英", "relation": "self", "id_number": tests::id_number("19500317", 3)});
    assert_eq!(app.put_member(&helper, &id, &uuid::Uuid::now_v7().to_string(), &member).await.status(), 201);
    let cursor = full["cursor"].as_str().unwrap();
    let next: Value =
        app.get_as(&format!("/api/v1/sync/pull?cursor={cursor}"), Some(&helper)).await.json().await.unwrap();
    let changes = next["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{next}");
    assert_eq!(changes[0]["application"]["members"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn without_configured_keys_a_restart_keeps_everyone_signed_in() {
    let app = TestApp::spawn_sqlite_with(|s| s.auth.jwt_keys = None).await;
    app.seed_demo().await;
    let token = app.token("demo-reviewer").await;
    let restarted = app.restart().await;
    let staff = restarted.get_as("/api/v1/regions/500199001/staff", Some(&token)).await;
    assert_eq!(staff.status(), 200, "a token signed before the restart still works");
    let key_file = app.state.settings.data_dir.0.join("jwt-key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600, "only the owner reads it");
    let another = TestApp::spawn_sqlite_with(|s| s.auth.jwt_keys = None).await;
    let elsewhere = another.get_as("/api/v1/regions/500199001/staff", Some(&token)).await;
    tests::problem(elsewhere, 401, "UNAUTHENTICATED").await;
}
