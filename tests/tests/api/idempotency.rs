//! `Idempotency-Key` on the online endpoints: a request retried after a lost answer gets the first
//! answer again, is not done twice; the same key for another request is refused.

use serde_json::{Value, json};
use tests::{TestApp, problem};
use uuid::Uuid;

async fn post(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(token).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

#[tokio::test]
async fn a_retried_request_with_its_key_is_answered_again_not_done_again() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("idem-applicant").await;
    let (id, _) = app.ready_draft(&resident, "500199001001", 1).await;

    // The retry with the key gets the first answer — the same application number, the same
    // version — from the kept copy, and nothing happens twice.
    let key = Uuid::now_v7().to_string();
    let path = format!("/api/v1/applications/{id}/submit");
    let first = post(&app, &resident, &path, &key, &json!({})).await;
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = post(&app, &resident, &path, &key, &json!({})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["number"].clone(), again["version"].clone()),
        (first["number"].clone(), first["version"].clone())
    );
    let events = app.application(&resident, &id).await;
    assert_eq!(events["status"], "submitted");

    // The same key for another request: refused, nothing done.
    let other = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "items": ["dibao"],
                       "contact_phone": "13800138000", "household": {}});
    let body =
        problem(post(&app, &resident, "/api/v1/applications", &key, &other).await, 422, "IDEMPOTENCY_KEY_REUSED").await;
    assert!(body["detail"].as_str().unwrap().contains("新的编号"), "{body}");
    // Keys are each account's own: another resident's same key is a new request.
    let neighbour = app.resident_token("idem-neighbour").await;
    let created = post(&app, &neighbour, "/api/v1/applications", &key, &other).await;
    assert_eq!(created.status(), 201);
    let replayed = post(&app, &neighbour, "/api/v1/applications", &key, &other).await;
    assert_eq!(
        (replayed.status().as_u16(), replayed.headers()["idempotent-replayed"].to_str().unwrap()),
        (201, "true")
    );
    let (first, second): (Value, Value) = (created.json().await.unwrap(), replayed.json().await.unwrap());
    assert_eq!(first, second);

    // A key that is not one.
    let long = "k".repeat(256);
    let body = problem(post(&app, &resident, "/api/v1/applications", &long, &other).await, 400, "BAD_REQUEST").await;
    assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    // Answers are kept a day, then purged.
    assert_eq!(api::http::idempotency::purge(&app.state.db, 0).await.unwrap(), 2);
}
