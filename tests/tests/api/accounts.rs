//! Staff administration, the caller's own account and password, and region-scoped staff lists.

use serde_json::{Value, json};
use tests::{TEST_PASSWORD, TestApp, problem};

fn staff(username: &str, role: &str, region: Option<&str>, kind: Option<&str>) -> Value {
    json!({"username": username, "display_name": "张三", "role": role, "region_code": region,
           "helper_kind": kind, "password": "Lanterns-at-dusk-7"})
}

#[tokio::test]
async fn an_admin_creates_staff_who_can_then_sign_in() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let body = staff("Zhang.San", "helper", Some("500199001002"), Some("grid_worker"));
    let response = app.post_json("/api/v1/staff", Some(&admin), &body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["username"], "zhang.san");
    assert_eq!(created["helper_kind"], "grid_worker");
    assert!(created.get("password_hash").is_none());
    let session = app.post_password_sign_in("zhang.san", "Lanterns-at-dusk-7").await;
    assert_eq!(session.status(), 200);
    let again = app.post_json("/api/v1/staff", Some(&admin), &body).await;
    let clash = problem(again, 409, "CONFLICT").await;
    assert_eq!(clash["errors"][0]["field"], "username");
    assert_eq!(app.audit_events("account.created").await.len(), 11, "ten demo accounts and this one");
}

#[tokio::test]
async fn staff_that_do_not_fit_their_region_are_refused_field_by_field() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    for (body, field, code) in [
        (staff("u-one", "helper", Some("500199001"), Some("volunteer")), "region_code", "REGION_LEVEL_MISMATCH"),
        (staff("u-two", "township_reviewer", None, None), "region_code", "REGION_LEVEL_MISMATCH"),
        (staff("u-three", "helper", Some("500199001001"), None), "helper_kind", "REQUIRED"),
        (staff("u-four", "district_supervisor", Some("500188"), None), "region_code", "REGION_NOT_FOUND"),
        (staff("u-five", "resident", None, None), "role", "INVALID_VALUE"),
        (staff("x", "admin", None, None), "username", "INVALID_USERNAME"),
    ] {
        let body = problem(app.post_json("/api/v1/staff", Some(&admin), &body).await, 422, "VALIDATION_FAILED").await;
        assert_eq!(
            (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
            (Some(field), Some(code))
        );
    }
    let mut weak = staff("u-six", "admin", None, None);
    weak["password"] = json!("12345678");
    let body = problem(app.post_json("/api/v1/staff", Some(&admin), &weak).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "WEAK_PASSWORD");
    let mut unknown = staff("u-seven", "admin", None, None);
    unknown["role"] = json!("root");
    let body = problem(app.post_json("/api/v1/staff", Some(&admin), &unknown).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "role");
}

#[tokio::test]
async fn role_and_region_changes_are_audited_and_reach_the_next_token() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let helper = app.sign_in("demo-helper-b").await;
    let id = helper["account"]["id"].as_str().unwrap();
    let change = json!({"role": "township_reviewer", "region_code": "500199002", "helper_kind": null});
    let response = app.patch_json(&format!("/api/v1/staff/{id}"), Some(&admin), &change).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(app.audit_events("account.role_changed").await.len(), 1);
    let moved = app.audit_events("account.region_changed").await;
    assert_eq!(moved[0].details, json!({"from": "500199002001", "to": "500199002"}));
    let refreshed: Value = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": helper["refresh_token"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["account"]["role"], "township_reviewer");
    let staff_of_town = app.get_as("/api/v1/regions/500199002/staff", refreshed["access_token"].as_str()).await;
    assert_eq!(staff_of_town.status(), 200, "the new token carries the new scope");

    let bad =
        app.patch_json(&format!("/api/v1/staff/{id}"), Some(&admin), &json!({"region_code": "500199002001"})).await;
    problem(bad, 422, "VALIDATION_FAILED").await;
    let missing = app.patch_json(&format!("/api/v1/staff/{}", uuid::Uuid::now_v7()), Some(&admin), &json!({})).await;
    problem(missing, 404, "NOT_FOUND").await;
    let own_id = app.sign_in("demo-admin").await["account"]["id"].as_str().unwrap().to_owned();
    let demote = app.patch_json(&format!("/api/v1/staff/{own_id}"), Some(&admin), &json!({"active": false})).await;
    problem(demote, 409, "CONFLICT").await;
}

#[tokio::test]
async fn a_password_reset_by_an_admin_ends_every_sign_in() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let helper = app.sign_in("demo-police").await;
    let id = helper["account"]["id"].as_str().unwrap();
    let reset = json!({"password": "Fresh-start-2027"});
    assert_eq!(app.patch_json(&format!("/api/v1/staff/{id}"), Some(&admin), &reset).await.status(), 200);
    let body = json!({"refresh_token": helper["refresh_token"]});
    problem(app.post_json("/api/v1/auth/refresh", None, &body).await, 401, "INVALID_REFRESH_TOKEN").await;
    assert_eq!(app.post_password_sign_in("demo-police", "Fresh-start-2027").await.status(), 200);
}

#[tokio::test]
async fn staff_change_their_own_password() {
    let app = TestApp::spawn_demo().await;
    let session = app.sign_in("demo-reviewer").await;
    let token = session["access_token"].as_str();
    let wrong = json!({"current_password": "Not-my-password-1", "new_password": "Brand-new-secret-8"});
    let body = problem(app.put_json("/api/v1/me/password", token, &wrong).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "WRONG_PASSWORD");
    let weak = json!({"current_password": TEST_PASSWORD, "new_password": "short"});
    let body = problem(app.put_json("/api/v1/me/password", token, &weak).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "new_password");
    let good = json!({"current_password": TEST_PASSWORD, "new_password": "Brand-new-secret-8"});
    assert_eq!(app.put_json("/api/v1/me/password", token, &good).await.status(), 204);
    problem(app.post_password_sign_in("demo-reviewer", TEST_PASSWORD).await, 401, "INVALID_CREDENTIALS").await;
    assert_eq!(app.post_password_sign_in("demo-reviewer", "Brand-new-secret-8").await.status(), 200);
    let resident = app.resident_token("wang").await;
    problem(app.put_json("/api/v1/me/password", Some(&resident), &good).await, 403, "FORBIDDEN").await;
    problem(app.put_json("/api/v1/me/password", None, &good).await, 401, "UNAUTHENTICATED").await;
}

#[tokio::test]
async fn staff_lists_stop_at_the_callers_region() {
    let app = TestApp::spawn_demo().await;
    let helper_a = app.token("demo-grid-worker").await;
    let community_a: Value =
        app.get_as("/api/v1/regions/500199001001/staff", Some(&helper_a)).await.json().await.unwrap();
    assert_eq!(community_a["items"].as_array().unwrap().len(), 5, "five helpers of 和平社区");
    // A helper of community A cannot look into community B, nor up into the township.
    problem(app.get_as("/api/v1/regions/500199002001/staff", Some(&helper_a)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/regions/500199001/staff", Some(&helper_a)).await, 403, "FORBIDDEN").await;
    let reviewer = app.token("demo-reviewer").await;
    let town: Value =
        app.get_as("/api/v1/regions/500199001/staff?role=helper", Some(&reviewer)).await.json().await.unwrap();
    assert_eq!(town["items"].as_array().unwrap().len(), 5);
    problem(app.get_as("/api/v1/regions/500199002/staff", Some(&reviewer)).await, 403, "FORBIDDEN").await;
    let supervisor = app.token("demo-supervisor").await;
    let district: Value =
        app.get_as("/api/v1/regions/500199/staff?limit=3", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(district["items"].as_array().unwrap().len(), 3);
    assert!(district["next_cursor"].is_string());
    let admin = app.token("demo-admin").await;
    problem(app.get_as("/api/v1/regions/500188/staff", Some(&admin)).await, 404, "NOT_FOUND").await;
}
