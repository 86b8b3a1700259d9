//! The region tree: admins create and list regions, anyone reads the tree.

use serde_json::{Value, json};
use tests::{TestApp, problem};

async fn create(app: &TestApp, token: &str, code: &str, name: &str) -> reqwest::Response {
    app.post_json("/api/v1/regions", Some(token), &json!({"code": code, "name": name})).await
}

#[tokio::test]
async fn an_admin_builds_the_tree_and_anyone_reads_it() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let before: Value = app.get("/api/v1/regions/tree?root=500199002").await.json().await.unwrap();
    assert_eq!(before["items"][0]["children"].as_array().unwrap().len(), 1);

    let created = create(&app, &admin, "500199002002", "青龙村").await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!((created["level"].as_str(), created["parent_code"].as_str()), (Some("community"), Some("500199002")));

    // The cached tree is stale at once: the new village is there.
    let tree = app.get("/api/v1/regions/tree?root=500199002").await;
    assert_eq!(tree.headers()["cache-control"], "public, max-age=60");
    let tree: Value = tree.json().await.unwrap();
    let names: Vec<&str> =
        tree["items"][0]["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["石岭村", "青龙村"]);

    let whole: Value = app.get("/api/v1/regions/tree").await.json().await.unwrap();
    assert_eq!(whole["items"][0]["code"], "500199");
    assert_eq!(whole["items"][0]["children"][0]["children"].as_array().unwrap().len(), 2);
    problem(app.get("/api/v1/regions/tree?root=500188").await, 404, "NOT_FOUND").await;
    problem(app.get("/api/v1/regions/tree?root=abc").await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn repeating_a_create_is_harmless_and_a_clash_is_409() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    assert_eq!(create(&app, &admin, "500199001", "青石街道").await.status(), 200);
    let clash = problem(create(&app, &admin, "500199001", "别的街道").await, 409, "CONFLICT").await;
    assert_eq!(clash["errors"][0]["field"], "code");
}

#[tokio::test]
async fn bad_codes_names_and_orphans_are_named() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    for (code, name, field, error) in [
        ("5001", "某区", "code", "INVALID_REGION_CODE"),
        ("990101", "某区", "code", "INVALID_REGION_CODE"),
        ("500199003", "", "name", "INVALID_NAME"),
        ("500199003001", "无主村", "code", "PARENT_NOT_FOUND"),
    ] {
        let body = problem(create(&app, &admin, code, name).await, 422, "VALIDATION_FAILED").await;
        assert_eq!(
            (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
            (Some(field), Some(error))
        );
    }
    let body =
        app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "500198", "name": "x", "extra": 1})).await;
    problem(body, 422, "VALIDATION_FAILED").await;
}

#[tokio::test]
async fn admins_list_regions_page_by_page() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let first: Value = app.get_as("/api/v1/regions?limit=4", Some(&admin)).await.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest: Value =
        app.get_as(&format!("/api/v1/regions?limit=4&cursor={cursor}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next_cursor"], Value::Null);
    let children: Value = app.get_as("/api/v1/regions?parent=500199001", Some(&admin)).await.json().await.unwrap();
    assert_eq!(children["items"].as_array().unwrap().len(), 2);
    let towns: Value = app.get_as("/api/v1/regions?level=township", Some(&admin)).await.json().await.unwrap();
    assert_eq!(towns["items"].as_array().unwrap().len(), 2);
    problem(app.get_as("/api/v1/regions?limit=0", Some(&admin)).await, 400, "INVALID_QUERY").await;
    problem(app.get_as("/api/v1/regions?level=province", Some(&admin)).await, 400, "INVALID_QUERY").await;
    // Found by schemathesis: a NUL character in `parent` reached PostgreSQL (500, later 422).
    let body =
        problem(app.get_as("/api/v1/regions?parent=%C3%A3P%00x", Some(&admin)).await, 400, "INVALID_QUERY").await;
    assert_eq!(body["errors"][0]["field"], "parent");
    problem(app.get_as("/api/v1/regions?cursor=__main__", Some(&admin)).await, 400, "INVALID_QUERY").await;
}

#[tokio::test]
async fn only_admins_create_or_list_regions() {
    let app = TestApp::spawn_demo().await;
    let supervisor = app.token("demo-supervisor").await;
    let resident = app.resident_token("li").await;
    for token in [&supervisor, &resident] {
        problem(create(&app, token, "500199003", "新街道").await, 403, "FORBIDDEN").await;
        problem(app.get_as("/api/v1/regions", Some(token)).await, 403, "FORBIDDEN").await;
    }
    problem(
        app.post_json("/api/v1/regions", None, &json!({"code": "500199003", "name": "x"})).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    problem(app.get("/api/v1/regions").await, 401, "UNAUTHENTICATED").await;
}
