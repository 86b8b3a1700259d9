//! Snapshots of representative answers (`snapshots/`): a validation problem, an application as
//! its applicant reads it, and a progress answer. Ids, times, dates counted from today and the
//! application number are redacted; anything else that changes fails the test. After an intended
//! change, run the test with `INSTA_UPDATE=always` and review the snapshot's diff.

use serde_json::{Value, json};
use tests::snapshot::redacted;
use tests::{TestApp, problem};
use uuid::Uuid;

#[tokio::test]
async fn a_validation_problem_names_each_field() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("snapshot-problem").await;
    let body = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "items": []});
    let answer = problem(app.create_application(&resident, &body).await, 422, "VALIDATION_FAILED").await;
    insta::assert_json_snapshot!("validation_problem", redacted(&answer));
}

#[tokio::test]
async fn an_application_as_its_applicant_reads_it() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("snapshot-view", 3, &["dibao", "medical"]).await;
    let answer: Value = app.application(&resident, &id).await;
    insta::assert_json_snapshot!("application_view", redacted(&answer));
}

#[tokio::test]
async fn a_progress_answer() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("snapshot-progress", 4, &["temporary"]).await;
    let answer = app.progress_ok(&resident, &id).await;
    insta::assert_json_snapshot!("progress", redacted(&answer));
}
