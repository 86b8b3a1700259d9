//! Offline sync push: batches sent twice, ops out of order and with a gap, one bad op among 100,
//! ops on records changed on the server meanwhile (kept as conflicts and resolved), withdrawals
//! made offline, and helpers pushing for another community.

use chrono::Utc;
use serde_json::{Value, json};
use tests::{TestApp, id_number, problem};
use uuid::Uuid;

const COMMUNITY: &str = "500199001001";

fn create(seq: i64, app: &str) -> Value {
    json!({"op_id": Uuid::now_v7(), "seq": seq, "op": "application.create", "entity_id": app,
           "client_time": Utc::now(), "data": {"community_code": COMMUNITY, "items": ["temporary"],
           "contact_phone": "13800138000", "household": {"sudden_hardship": true}}})
}

fn member(seq: i64, app: &str, base: i32, n: u32) -> Value {
    json!({"op_id": Uuid::now_v7(), "seq": seq, "op": "member.update", "entity_id": Uuid::now_v7(),
           "base_version": base, "client_time": Utc::now(),
           "data": {"application_id": app, "name": "王桂兰", "relation": "self", "id_number": id_number("19520611", n)}})
}

fn update(seq: i64, app: &str, base: i32, note: &str) -> Value {
    json!({"op_id": Uuid::now_v7(), "seq": seq, "op": "application.update", "entity_id": app,
           "base_version": base, "client_time": Utc::now(),
           "data": {"items": ["temporary", "price_subsidy"], "contact_phone": "13800138000",
                    "household": {"sudden_hardship": true}, "note": note}})
}

fn withdraw(seq: i64, app: &str, base: i64, data: Value) -> Value {
    json!({"op_id": Uuid::now_v7(), "seq": seq, "op": "application.withdraw", "entity_id": app,
           "base_version": base, "client_time": Utc::now(), "data": data})
}

async fn push(app: &TestApp, token: &str, device: &str, ops: &[Value]) -> Value {
    let response = app.post_json("/api/v1/sync/push", Some(token), &json!({"device_id": device, "ops": ops})).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 200, "{body}");
    body
}

fn outcomes(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap().to_owned()).collect()
}

async fn helper_app() -> (TestApp, String) {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    (app, helper)
}

#[tokio::test]
async fn a_batch_sent_twice_is_applied_once_and_answered_the_same() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let id = Uuid::now_v7().to_string();
    let batch = [create(1, &id), member(2, &id, 1, 1), update(3, &id, 1, "邻居代述:老人独居")];
    let first = push(&app, &helper, &device, &batch).await;
    assert_eq!(outcomes(&first), ["applied", "applied", "applied"], "{first}");
    assert_eq!(first["applied_seq"], 3);
    let versions: Vec<i64> =
        first["results"].as_array().unwrap().iter().filter_map(|r| r["version"].as_i64()).collect();
    assert_eq!(versions, [1, 2, 3]);

    // The answer was lost: the same batch again changes nothing and answers the same.
    let again = push(&app, &helper, &device, &batch).await;
    assert_eq!(outcomes(&again), ["duplicate", "duplicate", "duplicate"]);
    for (a, b) in first["results"].as_array().unwrap().iter().zip(again["results"].as_array().unwrap()) {
        assert_eq!((a["version"].clone(), b["original"].as_str()), (b["version"].clone(), Some("applied")));
    }
    let status: Value =
        app.get_as(&format!("/api/v1/sync/status?device_id={device}"), Some(&helper)).await.json().await.unwrap();
    assert_eq!(status["applied_seq"], 3);
    let draft = app.application(&helper, &id).await;
    assert_eq!((draft["version"].as_i64(), draft["members"].as_array().map(Vec::len)), (Some(3), Some(1)));
    assert_eq!(draft["note"], "邻居代述:老人独居");

    // The same op id with other content is a conflict, never an overwrite.
    let mut reused = update(4, &id, 3, "另一内容");
    reused["op_id"] = batch[2]["op_id"].clone();
    let body = push(&app, &helper, &device, &[reused]).await;
    assert_eq!(
        (body["results"][0]["outcome"].as_str(), body["results"][0]["code"].as_str()),
        (Some("conflict"), Some("OP_ID_REUSED"))
    );
    assert_eq!(app.application(&helper, &id).await["note"], "邻居代述:老人独居");

    // One op twice in one batch (a phone's queue written twice): applied once.
    let twice = update(4, &id, 3, "同批重复");
    let body = push(&app, &helper, &device, &[twice.clone(), twice]).await;
    assert_eq!(outcomes(&body), ["applied", "duplicate"], "{body}");
    assert_eq!(app.application(&helper, &id).await["version"], 4);
}

#[tokio::test]
async fn ops_are_applied_in_sequence_and_a_gap_waits_for_the_missing_op() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let (a, b) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    // Out of order within a batch: applied by sequence.
    let body = push(&app, &helper, &device, &[member(2, &a, 1, 2), create(1, &a)]).await;
    let seqs: Vec<i64> = body["results"].as_array().unwrap().iter().filter_map(|r| r["seq"].as_i64()).collect();
    assert_eq!((seqs, outcomes(&body)), (vec![1, 2], vec!["applied".to_owned(), "applied".to_owned()]));
    // 3 is missing: 4 and 5 wait, reported, not skipped.
    let four = create(4, &b);
    let five = member(5, &b, 1, 3);
    let body = push(&app, &helper, &device, &[four.clone(), five.clone()]).await;
    assert_eq!(outcomes(&body), ["retry_later", "retry_later"]);
    assert_eq!(
        (body["results"][0]["code"].as_str(), body["results"][0]["expected_seq"].as_i64()),
        (Some("SEQUENCE_GAP"), Some(3))
    );
    assert_eq!(body["applied_seq"], 2);
    problem(app.get_as(&format!("/api/v1/applications/{b}"), Some(&helper)).await, 404, "NOT_FOUND").await;
    // With 3, all of them.
    let body = push(&app, &helper, &device, &[update(3, &a, 2, "补充说明"), four, five]).await;
    assert_eq!(outcomes(&body), ["applied", "applied", "applied"], "{body}");
}

#[tokio::test]
async fn one_bad_op_in_a_batch_of_100_does_not_block_the_other_99() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let mut ops: Vec<Value> = (1..=100).map(|seq| create(seq, &Uuid::now_v7().to_string())).collect();
    // A workflow field is never set by a push.
    ops[49]["data"]["status"] = json!("decided");
    let body = push(&app, &helper, &device, &ops).await;
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|r| r["outcome"] == "applied").count(), 99);
    assert_eq!(
        (results[49]["outcome"].as_str(), results[49]["code"].as_str()),
        (Some("rejected"), Some("VALIDATION_FAILED"))
    );
    assert!(results[49]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(body["applied_seq"], 100, "a rejected op is answered for good");
    let again = push(&app, &helper, &device, &ops[49..50]).await;
    assert_eq!(
        (again["results"][0]["outcome"].as_str(), again["results"][0]["original"].as_str()),
        (Some("duplicate"), Some("rejected"))
    );
    problem(
        app.post_json("/api/v1/sync/push", Some(&helper), &json!({"device_id": device, "ops": []})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    // What the schema says of an op is checked for the whole batch before anything is applied.
    let mut bad = create(101, &Uuid::now_v7().to_string());
    bad["data"] = json!([]);
    let zero = create(0, &Uuid::now_v7().to_string());
    let batch = json!({"device_id": device, "ops": [bad, zero]});
    let body = problem(app.post_json("/api/v1/sync/push", Some(&helper), &batch).await, 422, "VALIDATION_FAILED").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["ops[0].data", "ops[1].seq"]);
}

#[tokio::test]
async fn an_op_sync_does_not_take_refuses_the_batch_naming_the_ops_it_takes() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let id = Uuid::now_v7().to_string();
    // A draft cannot be deleted offline, nor a member created under another name.
    for name in ["application.delete", "member.create", "create"] {
        let mut odd = update(2, &id, 1, "x");
        odd["op"] = json!(name);
        let batch = json!({"device_id": device, "ops": [create(1, &id), odd]});
        let body =
            problem(app.post_json("/api/v1/sync/push", Some(&helper), &batch).await, 422, "VALIDATION_FAILED").await;
        let error = &body["errors"][0];
        assert_eq!((error["field"].as_str(), error["code"].as_str()), (Some("ops[1].op"), Some("UNSUPPORTED_OP")));
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("不支持的同步操作") && message.contains("member.delete"), "{message}");
    }
    // Nothing of the batch was applied.
    problem(app.get_as(&format!("/api/v1/applications/{id}"), Some(&helper)).await, 404, "NOT_FOUND").await;
    // A known op whose data is another op's body is refused alone.
    let mut odd = update(2, &id, 1, "x");
    odd["op"] = json!("member.delete");
    let body = push(&app, &helper, &device, &[create(1, &id), odd]).await;
    assert_eq!(outcomes(&body), ["applied", "rejected"], "{body}");
}

#[tokio::test]
async fn an_op_on_a_record_changed_on_the_server_is_kept_as_a_conflict_until_resolved() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let id = Uuid::now_v7().to_string();
    push(&app, &helper, &device, &[create(1, &id)]).await;
    // Meanwhile another helper of the community edits the draft online.
    let colleague = app.token("demo-grid-worker").await;
    let online = json!({"items": ["temporary"], "contact_phone": "13900139000", "household": {"sudden_hardship": true}, "version": 1});
    let response = app.put_json(&format!("/api/v1/applications/{id}"), Some(&colleague), &online).await;
    assert_eq!(response.status(), 200);
    // The offline edit made on version 1 is kept, not applied over it.
    let body = push(&app, &helper, &device, &[update(2, &id, 1, "离线修改")]).await;
    let result = &body["results"][0];
    assert_eq!(
        (result["outcome"].as_str(), result["code"].as_str(), result["version"].as_i64()),
        (Some("conflict"), Some("CHANGED_ON_SERVER"), Some(2))
    );
    assert_eq!(app.application(&helper, &id).await["contact_phone"], "13900139000");
    let queue: Value = app.get_as("/api/v1/sync/conflicts?status=open", Some(&helper)).await.json().await.unwrap();
    assert_eq!(
        (queue[0]["entity_id"].as_str(), queue[0]["op"]["data"]["note"].as_str()),
        (Some(id.as_str()), Some("离线修改"))
    );
    let supervisor = app.token("demo-supervisor").await;
    let theirs: Value = app.get_as("/api/v1/sync/conflicts?status=open", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(theirs.as_array().map(Vec::len), Some(1));
    let other = app.token("demo-helper-b").await;
    let none: Value = app.get_as("/api/v1/sync/conflicts?status=open", Some(&other)).await.json().await.unwrap();
    assert_eq!(none, json!([]));
    let conflict = queue[0]["id"].as_str().unwrap().to_owned();
    let resolve = format!("/api/v1/sync/conflicts/{conflict}/resolve");
    problem(
        app.post_json(&resolve, Some(&other), &json!({"resolution": "discarded", "note": "不是我的"})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let done: Value = app
        .post_json(&resolve, Some(&helper), &json!({"resolution": "reapplied", "note": "已在新版本上重新填写"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "resolved");
    problem(
        app.post_json(&resolve, Some(&helper), &json!({"resolution": "discarded", "note": "再次"})).await,
        409,
        "INVALID_TRANSITION",
    )
    .await;

    // A submitted application the township has taken up: the offline edit is a conflict too.
    let reviewer = app.token("demo-reviewer").await;
    let (submitted, _) = app.submitted("sync-locked", 5, &["dibao"]).await;
    let version = app.application(&reviewer, &submitted).await["version"].as_i64().unwrap() as i32;
    app.step_ok(&reviewer, &submitted, "accept", json!({})).await;
    let body = push(&app, &helper, &device, &[update(3, &submitted, version, "补充")]).await;
    assert_eq!(body["results"][0]["outcome"], "conflict", "{body}");
}

#[tokio::test]
async fn helpers_cannot_push_for_another_community_and_others_cannot_push() {
    let (app, helper) = helper_app().await;
    let id = Uuid::now_v7().to_string();
    push(&app, &helper, &Uuid::now_v7().to_string(), &[create(1, &id)]).await;
    let other = app.token("demo-helper-b").await;
    let device = Uuid::now_v7().to_string();
    let body = push(&app, &other, &device, &[create(1, &Uuid::now_v7().to_string()), member(2, &id, 1, 9)]).await;
    assert_eq!(outcomes(&body), ["rejected", "rejected"]);
    assert_eq!(
        (body["results"][0]["code"].as_str(), body["results"][1]["code"].as_str()),
        (Some("FORBIDDEN"), Some("NOT_FOUND"))
    );
    // A device belongs to the account that first pushed from it.
    problem(
        app.post_json(
            "/api/v1/sync/push",
            Some(&helper),
            &json!({"device_id": device, "ops": [create(1, &Uuid::now_v7().to_string())]}),
        )
        .await,
        403,
        "FORBIDDEN",
    )
    .await;
    problem(app.get_as(&format!("/api/v1/sync/status?device_id={device}"), Some(&helper)).await, 404, "NOT_FOUND")
        .await;
    let resident = app.resident_token("sync-resident").await;
    let batch = json!({"device_id": Uuid::now_v7(), "ops": [create(1, &Uuid::now_v7().to_string())]});
    problem(app.post_json("/api/v1/sync/push", Some(&resident), &batch).await, 403, "FORBIDDEN").await;
    problem(app.post_json("/api/v1/sync/push", None, &batch).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as("/api/v1/sync/conflicts?status=open", Some(&resident)).await, 403, "FORBIDDEN").await;
}

#[tokio::test]
async fn a_withdrawal_made_offline_is_the_review_step_unless_the_township_moved_first() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let (first, _) = app.ready_draft_for(&helper, COMMUNITY, 31, &["dibao"]).await;
    assert_eq!(app.submit(&helper, &first).await.status(), 200);
    let version = app.application(&helper, &first).await["version"].as_i64().unwrap();
    assert_eq!(app.progress_ok(&helper, &first).await["status"], "submitted");
    let body =
        push(&app, &helper, &device, &[withdraw(1, &first, version, json!({"reason": "家中老人已由子女接去赡养"}))])
            .await;
    let result = &body["results"][0];
    assert_eq!(
        (result["outcome"].as_str(), result["server"]["status"].as_str()),
        (Some("applied"), Some("withdrawn")),
        "{body}"
    );
    // The progress page shows it at once (its cached answer was dropped), with the step's event.
    let progress = app.progress_ok(&helper, &first).await;
    assert_eq!(progress["status"], "withdrawn");
    assert!(progress["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "withdrawn"), "{progress}");

    // The township accepted another application before the phone synced: the withdrawal waits
    // in the conflict queue and the application stays with the township.
    let reviewer = app.token("demo-reviewer").await;
    let (second, _) = app.ready_draft_for(&helper, COMMUNITY, 32, &["dibao"]).await;
    assert_eq!(app.submit(&helper, &second).await.status(), 200);
    let version = app.application(&helper, &second).await["version"].as_i64().unwrap();
    app.step_ok(&reviewer, &second, "accept", json!({})).await;
    let body = push(&app, &helper, &device, &[withdraw(2, &second, version, json!({}))]).await;
    assert_eq!(
        (body["results"][0]["outcome"].as_str(), body["results"][0]["code"].as_str()),
        (Some("conflict"), Some("CHANGED_ON_SERVER"))
    );
    assert_eq!(app.application(&helper, &second).await["status"], "accepted");

    // A draft was never submitted, a version belongs in base_version, and another community's
    // helper does not find the application.
    let draft = Uuid::now_v7().to_string();
    let body = push(
        &app,
        &helper,
        &device,
        &[create(3, &draft), withdraw(4, &draft, 1, json!({})), withdraw(5, &draft, 1, json!({"version": 1}))],
    )
    .await;
    assert_eq!(outcomes(&body), ["applied", "rejected", "rejected"]);
    assert_eq!(
        (body["results"][1]["code"].as_str(), body["results"][2]["errors"][0]["field"].as_str()),
        (Some("INVALID_TRANSITION"), Some("data.version"))
    );
    let other = app.token("demo-helper-b").await;
    let body = push(&app, &other, &Uuid::now_v7().to_string(), &[withdraw(1, &second, version + 1, json!({}))]).await;
    assert_eq!(body["results"][0]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn a_phone_that_lost_an_answer_learns_every_outcome_it_missed() {
    let (app, helper) = helper_app().await;
    let device = Uuid::now_v7().to_string();
    let id = Uuid::now_v7().to_string();
    push(&app, &helper, &device, &[create(1, &id)]).await;
    // The next batch is answered, but the answer is lost: one of its ops was rejected.
    let mut refused = create(3, &Uuid::now_v7().to_string());
    refused["data"]["status"] = json!("decided");
    let batch = [member(2, &id, 1, 4), refused, update(4, &id, 2, "补充")];
    let lost = push(&app, &helper, &device, &batch).await;
    assert_eq!(outcomes(&lost), ["applied", "rejected", "applied"]);

    // The phone last heard about 1: it asks what came after, and hears every outcome.
    let status = |after: &str| {
        let url = format!("/api/v1/sync/status?device_id={device}&after={after}");
        let (app, helper) = (&app, &helper);
        async move { app.get_as(&url, Some(helper)).await }
    };
    let missed: Value = status("1").await.json().await.unwrap();
    assert_eq!((missed["applied_seq"].as_i64(), missed["more"].as_bool()), (Some(4), Some(false)));
    let results = missed["results"].as_array().unwrap();
    let heard: Vec<(i64, &str)> =
        results.iter().map(|r| (r["seq"].as_i64().unwrap(), r["outcome"].as_str().unwrap())).collect();
    assert_eq!(heard, [(2, "applied"), (3, "rejected"), (4, "applied")]);
    assert_eq!(results[1], lost["results"][1], "the rejection as first given, with its code and message");
    assert_eq!(results[1]["code"], "VALIDATION_FAILED");
    // Resending the unanswered ops instead gives the same outcomes, as duplicates.
    let again = push(&app, &helper, &device, &batch).await;
    assert_eq!(outcomes(&again), ["duplicate", "duplicate", "duplicate"]);
    let originals: Vec<&str> =
        again["results"].as_array().unwrap().iter().map(|r| r["original"].as_str().unwrap()).collect();
    assert_eq!(originals, ["applied", "rejected", "applied"]);
    // Without `after`: what was answered past the mark (nothing here); a negative one is refused.
    let now: Value =
        app.get_as(&format!("/api/v1/sync/status?device_id={device}"), Some(&helper)).await.json().await.unwrap();
    assert_eq!(now["results"], json!([]));
    problem(status("-1").await, 400, "INVALID_QUERY").await;
}
