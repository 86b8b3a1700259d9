//! Township review end to end: accept, return for materials with the clock paused, the economic
//! check against a fake data exchange, a partial decision with the district's confirmation, the
//! applicant's progress after each step, and the refusals.

use entity::{monitoring_subject, recipient};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::{TestApp, jpeg_bytes, problem};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn codes(progress: &Value) -> Vec<(String, String)> {
    progress["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap().to_owned(), i["status"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn an_application_walks_from_submit_to_a_partial_decision() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("zhang", 1, &["dibao", "medical"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let supervisor = app.token("demo-supervisor").await;

    let progress = app.progress_ok(&resident, &id).await;
    assert_eq!(progress["status"], "submitted");
    assert_eq!(progress["next_step"]["code"], "wait_for_acceptance");
    assert!(progress["expected_decision_date"].is_string());
    let kinds: Vec<&str> =
        progress["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "authorization_signed", "authorization_signed", "submitted"]);
    assert!(!progress.to_string().contains("张秀英"), "progress carries no names");

    // Accept; a stale version and a repeated step are refused with the current state.
    let stale = app.step(&reviewer, &id, "accept", &json!({"version": 1})).await;
    let body = problem(stale, 409, "VERSION_CONFLICT").await;
    assert_eq!(body["current"]["status"], "submitted");
    let accepted = app.step_ok(&reviewer, &id, "accept", json!({"note": "材料齐全"})).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["version"], body["current"]["version"].as_i64().unwrap() + 1);
    let again = app.step(&reviewer, &id, "accept", &json!({"version": accepted["version"]})).await;
    let body = problem(again, 409, "INVALID_TRANSITION").await;
    assert_eq!(body["current"]["status"], "accepted");
    assert_eq!(app.progress_ok(&resident, &id).await["status"], "accepted", "no stale read after a change");

    // Return for a medical bill: the applicant sees what to bring; the clock stands still.
    let returned = app
        .step_ok(&reviewer, &id, "return", json!({"missing": ["medical_bill"], "note": "请补充近三个月的住院费用票据"}))
        .await;
    assert_eq!(returned["status"], "returned");
    let progress = app.progress_ok(&resident, &id).await;
    assert_eq!(progress["next_step"]["who"], "applicant");
    assert_eq!(progress["next_step"]["missing"], json!(["medical_bill"]));
    assert!(progress["next_step"]["due_date"].is_string());
    let timeline = progress["timeline"].as_array().unwrap();
    assert_eq!(timeline.last().unwrap()["note"], "请补充近三个月的住院费用票据");
    let before: Value = app.application(&resident, &id).await;
    let due_before = before["items"][0]["due_date"].as_str().unwrap().to_owned();

    // Supplementing without the bill says what is missing; the applicant may upload while returned.
    let early = app.step(&resident, &id, "supplement", &json!({"version": returned["version"]})).await;
    let body = problem(early, 422, "APPLICATION_INCOMPLETE").await;
    assert_eq!(body["errors"][0]["code"], "MISSING_DOCUMENT");
    let upload = app.upload(&resident, &id, &[("type", "medical_bill")], &jpeg_bytes(200)).await;
    assert_eq!(upload.status(), 201, "uploads are welcome while materials are asked for");
    // Three working days pass while the applicant fetches the bill (the return is dated back).
    paused_since(&app, &id, 3).await;
    let resumed = app.step_ok(&resident, &id, "supplement", json!({"note": "已上传票据"})).await;
    assert_eq!(resumed["status"], "accepted", "back where it was");
    let due_after = resumed["items"][0]["due_date"].as_str().unwrap();
    assert_eq!(working_days_between(&due_before, due_after), 3, "the deadline moved by the paused working days");

    // Investigation with the economic check: consent id and pseudonymous references, never the ID number.
    app.mock_economic_check(json!({"check_id": "dx-77", "bank_deposits_fen": 150000, "vehicles": 0})).await;
    let investigating = app.step_ok(&reviewer, &id, "investigation", json!({})).await;
    assert_eq!(investigating["status"], "investigating");
    let requests = app.data_exchange.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent["consent_id"], investigating["authorizations"][0]["id"]);
    assert_eq!(sent["consent_ids"].as_array().unwrap().len(), 2, "both adults' authorizations");
    assert_eq!(sent["subjects"].as_array().unwrap().len(), 2);
    let raw = String::from_utf8_lossy(&requests[0].body).to_string();
    assert!(!raw.contains("500199195"), "no ID number leaves the server: {raw}");
    let checks: Value =
        app.get_as(&format!("/api/v1/applications/{id}/investigations"), Some(&reviewer)).await.json().await.unwrap();
    assert_eq!(checks[0]["status"], "completed");
    assert_eq!(checks[0]["results"]["bank_deposits_fen"], 150000);
    let refused = app.get_as(&format!("/api/v1/applications/{id}/investigations"), Some(&resident)).await;
    problem(refused, 403, "FORBIDDEN").await;

    // A rejection needs a reason; then a partial decision: 低保 approved, medical aid to the district.
    let dibao = TestApp::item_version(&investigating, "dibao");
    let medical = TestApp::item_version(&investigating, "medical");
    let no_reason = json!({"items": [{"code": "dibao", "version": dibao, "outcome": "rejected"}]});
    let body = problem(app.step(&reviewer, &id, "decision", &no_reason).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "REASON_REQUIRED");
    let decision = json!({"items": [
        {"code": "dibao", "version": dibao, "outcome": "approved", "amount_fen": 68000},
        {"code": "medical", "version": medical, "outcome": "approved", "amount_fen": 300000, "note": "住院自付部分"}]});
    let decided: Value = app.step(&reviewer, &id, "decision", &decision).await.json().await.unwrap();
    assert_eq!(decided["status"], "investigating", "medical aid waits for the district");
    let progress = app.progress_ok(&resident, &id).await;
    assert_eq!(codes(&progress), [("dibao".into(), "approved".into()), ("medical".into(), "pending_district".into())]);
    assert_eq!(progress["items"][0]["amount_fen"], 68000);
    assert_eq!(progress["next_step"]["who"], "district");

    // The district refuses medical aid with a reason; the application is decided.
    let pending: Value = app.application(&supervisor, &id).await;
    let confirm = json!({"version": TestApp::item_version(&pending, "medical"), "outcome": "rejected", "reasons": ["income_above_standard"]});
    let other_role = app
        .post_json(&format!("/api/v1/applications/{id}/items/medical/district-confirmation"), Some(&reviewer), &confirm)
        .await;
    problem(other_role, 403, "FORBIDDEN").await;
    let confirmed = app
        .post_json(
            &format!("/api/v1/applications/{id}/items/medical/district-confirmation"),
            Some(&supervisor),
            &confirm,
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    let progress = app.progress_ok(&resident, &id).await;
    assert_eq!(progress["status"], "decided");
    assert_eq!(progress["items"][1]["reasons"], json!(["家庭人均收入高于当地保障标准"]));
    assert_eq!(progress["next_step"]["code"], "done");

    // Approved: a recipient. Rejected: watched in the monitoring pool, not forgotten.
    let app_id = uuid::Uuid::parse_str(&id).unwrap();
    let recipients =
        recipient::Entity::find().filter(recipient::Column::ApplicationId.eq(app_id)).all(&app.state.db).await.unwrap();
    assert_eq!(recipients.iter().map(|r| (r.item_code.as_str(), r.amount_fen)).collect::<Vec<_>>(), [("dibao", 68000)]);
    let watched = monitoring_subject::Entity::find()
        .filter(monitoring_subject::Column::ApplicationId.eq(app_id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(watched.len(), 1);
    assert_eq!(watched[0].group_code, "rejected_applicant");
    assert!(watched[0].review_date > chrono::Utc::now().date_naive());

    // Decisions are signed by who made them.
    let events = entity::application_event::Entity::find()
        .filter(entity::application_event::Column::ApplicationId.eq(app_id))
        .filter(entity::application_event::Column::Kind.eq("decided"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events[0].details["signature"]["signer_name"], "青石街道审核员");
    assert_eq!(events[0].details["signature"]["seal"].as_str().unwrap().len(), 64);

    let closed = app.step_ok(&reviewer, &id, "close", json!({})).await;
    assert_eq!(closed["status"], "closed");
    let body = problem(
        app.step(&resident, &id, "withdraw", &json!({"version": closed["version"]})).await,
        409,
        "INVALID_TRANSITION",
    )
    .await;
    assert_eq!(body["current"]["status"], "closed");
}

/// Dates the application's return `days` working days back, as if it had been returned then.
async fn paused_since(app: &TestApp, id: &str, days: i32) {
    use sea_orm::sea_query::Expr;
    let calendar = api::calendar::service::around(&app.state.db, api::calendar::today()).await.unwrap();
    let mut day = api::calendar::today();
    let mut left = days;
    while left > 0 {
        day = day.pred_opt().unwrap();
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    // Landing on a working day: `working_days_between(day, today)` is then exactly `days`.
    entity::application::Entity::update_many()
        .col_expr(entity::application::Column::PausedOn, Expr::value(Some(day)))
        .filter(entity::application::Column::Id.eq(uuid::Uuid::parse_str(id).unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();
}

fn working_days_between(from: &str, to: &str) -> i32 {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    api::calendar::WorkCalendar::default().working_days_between(parse(from), parse(to))
}

#[tokio::test]
async fn the_wrong_people_are_refused_every_step() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("wang", 2, &["dibao"]).await;
    let other_resident = app.resident_token("li").await;
    let other_township = app.token("demo-reviewer-2").await;
    let helper = app.token("demo-social-worker").await;
    let other_community = app.token("demo-helper-b").await;
    // Each step with a body it accepts, so that only the caller is wrong.
    let steps = [
        ("accept", json!({"version": 2})),
        ("return", json!({"version": 2, "missing": ["income_proof"], "note": "请补充收入证明"})),
        ("supplement", json!({"version": 2})),
        ("investigation", json!({"version": 2})),
        ("decision", json!({"items": [{"code": "dibao", "version": 0, "outcome": "approved", "amount_fen": 100}]})),
        (
            "emergency-approval",
            json!({"version": 2, "reason": "accident", "items": [{"code": "dibao", "amount_fen": 100}], "note": "急需"}),
        ),
        ("close", json!({"version": 2})),
        ("withdraw", json!({"version": 2})),
    ];
    for (step, body) in &steps {
        problem(app.post_json(&format!("/api/v1/applications/{id}/{step}"), None, body).await, 401, "UNAUTHENTICATED")
            .await;
        problem(app.step(&other_resident, &id, step, body).await, 404, "NOT_FOUND").await;
        problem(app.step(&other_township, &id, step, body).await, 404, "NOT_FOUND").await;
        problem(app.step(&other_community, &id, step, body).await, 404, "NOT_FOUND").await;
    }
    for (step, body) in steps.iter().filter(|(s, _)| !["supplement", "withdraw"].contains(s)) {
        problem(app.step(&resident, &id, step, body).await, 403, "FORBIDDEN").await;
        problem(app.step(&helper, &id, step, body).await, 403, "FORBIDDEN").await;
    }
    problem(app.progress(None, &id).await, 401, "UNAUTHENTICATED").await;
    problem(app.progress(Some(&other_resident), &id).await, 404, "NOT_FOUND").await;
    problem(app.progress(Some(&other_township), &id).await, 404, "NOT_FOUND").await;
    problem(app.progress(Some(&other_community), &id).await, 404, "NOT_FOUND").await;
    let investigations = format!("/api/v1/applications/{id}/investigations");
    problem(app.get_as(&investigations, Some(&other_community)).await, 404, "NOT_FOUND").await;
    assert_eq!(app.progress(Some(&helper), &id).await.status(), 200, "the community's helper follows it");
    // Withdrawing consent after submit is part of the timeline at once.
    let before = app.progress_ok(&resident, &id).await;
    let consent = app.application(&resident, &id).await["authorizations"][0]["id"].as_str().unwrap().to_owned();
    let revoke = format!("/api/v1/applications/{id}/authorizations/{consent}/revoke");
    assert_eq!(app.post_json(&revoke, Some(&resident), &json!({"reason": "不再同意核对"})).await.status(), 200);
    let after = app.progress_ok(&resident, &id).await;
    assert_eq!(after["timeline"].as_array().unwrap().len(), before["timeline"].as_array().unwrap().len() + 1);
    assert_eq!(after["timeline"].as_array().unwrap().last().unwrap()["kind"], "authorization_revoked");
    // The applicant withdraws; nothing is decided any more.
    let withdrawn = app.step_ok(&resident, &id, "withdraw", json!({"reason": "已找到工作"})).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["items"][0]["status"], "withdrawn");
    let reviewer = app.token("demo-reviewer").await;
    let late = app.step(&reviewer, &id, "accept", &json!({"version": withdrawn["version"]})).await;
    problem(late, 409, "INVALID_TRANSITION").await;
    // Withdrawn frees the slot: the same person may apply again for the same item.
    let (again, _) = app.ready_draft_for(&resident, "500199001001", 2, &["dibao"]).await;
    assert_eq!(app.submit(&resident, &again).await.status(), 200);
}

#[tokio::test]
async fn concurrent_decisions_on_one_item_leave_one_winner() {
    let app = TestApp::spawn_demo().await;
    // Two items: deciding one leaves the application under investigation, so the race is on the item.
    let (id, _) = app.submitted("zhao", 3, &["dibao", "temporary"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let investigating = app.investigating(&reviewer, &id).await;
    let version = TestApp::item_version(&investigating, "dibao");
    let approve = json!({"items": [{"code": "dibao", "version": version, "outcome": "approved", "amount_fen": 60000}]});
    let reject = json!({"items": [{"code": "dibao", "version": version, "outcome": "rejected", "reasons": ["assets_above_limit"]}]});
    let (a, b) =
        tokio::join!(app.step(&reviewer, &id, "decision", &approve), app.step(&reviewer, &id, "decision", &reject));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "one decision wins, the other is told to reload");
    let loser = if a.status() == 409 { a } else { b };
    let body = problem(loser, 409, "VERSION_CONFLICT").await;
    assert_eq!(body["current"]["version"], version + 1);
    let decided = app.application(&reviewer, &id).await;
    assert_eq!(decided["status"], "investigating");
    assert_ne!(decided["items"][0]["status"], "investigating", "the item has the winner's decision");
    let events = entity::application_event::Entity::find()
        .filter(entity::application_event::Column::Kind.eq("decided"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "one decision recorded");
}

#[tokio::test]
async fn amounts_above_the_township_limit_go_to_the_district() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("sun", 4, &["temporary"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let investigating = app.investigating(&reviewer, &id).await;
    let version = TestApp::item_version(&investigating, "temporary");
    let absurd =
        json!({"items": [{"code": "temporary", "version": version, "outcome": "approved", "amount_fen": 100_000_000}]});
    let body = problem(app.step(&reviewer, &id, "decision", &absurd).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "AMOUNT_TOO_HIGH");
    let zero = json!({"items": [{"code": "temporary", "version": version, "outcome": "approved", "amount_fen": 0}]});
    let body = problem(app.step(&reviewer, &id, "decision", &zero).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "AMOUNT_REQUIRED");
    // 3,000 yuan is above the township's 2,000: the district confirms.
    let above =
        json!({"items": [{"code": "temporary", "version": version, "outcome": "approved", "amount_fen": 300_000}]});
    let routed: Value = app.step(&reviewer, &id, "decision", &above).await.json().await.unwrap();
    assert_eq!(routed["items"][0]["status"], "pending_district");
    let supervisor = app.token("demo-supervisor").await;
    let tickets: Value = app
        .get_as("/api/v1/supervision/tickets?kind=district_confirmation", Some(&supervisor))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    let confirm =
        json!({"version": TestApp::item_version(&routed, "temporary"), "outcome": "approved", "amount_fen": 250_000});
    let path = format!("/api/v1/applications/{id}/items/temporary/district-confirmation");
    let confirmed: Value = app.post_json(&path, Some(&supervisor), &confirm).await.json().await.unwrap();
    assert_eq!(confirmed["status"], "decided");
    assert_eq!(confirmed["items"][0]["amount_fen"], 250_000, "the district may change the amount");
    let stale = app.post_json(&path, Some(&supervisor), &confirm).await;
    problem(stale, 409, "VERSION_CONFLICT").await;
    let tickets: Value = app
        .get_as("/api/v1/supervision/tickets?kind=district_confirmation", Some(&supervisor))
        .await
        .json()
        .await
        .unwrap();
    assert!(tickets.as_array().unwrap().is_empty(), "the confirmation closed its ticket");
    assert_eq!(app.progress_ok(&resident, &id).await["items"][0]["amount_fen"], 250_000);
}

#[tokio::test]
async fn the_emergency_path_approves_first_and_reviews_when_the_materials_arrive() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("zhou", 5, &["dibao", "temporary"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let submitted = app.application(&reviewer, &id).await;
    let no_note = json!({"version": submitted["version"], "reason": "disaster", "items": [{"code": "temporary", "amount_fen": 150000}], "note": ""});
    let body = problem(app.step(&reviewer, &id, "emergency-approval", &no_note).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "note");
    let urgent = json!({"reason": "disaster", "items": [{"code": "temporary", "amount_fen": 150000}],
                        "missing": ["income_proof"], "note": "房屋失火,先行救助"});
    let approved = app.step_ok(&reviewer, &id, "emergency-approval", urgent).await;
    assert_eq!(approved["status"], "accepted", "the rest of the application goes on");
    let progress = app.progress_ok(&resident, &id).await;
    assert!(progress["emergency"].as_bool().unwrap());
    assert_eq!(codes(&progress)[1], ("temporary".into(), "approved".into()));
    assert_eq!(progress["next_step"]["code"], "supplement_materials");
    assert_eq!(progress["next_step"]["missing"], json!(["income_proof"]));

    // The materials arrive; a re-review ticket opens; closing is held until it is done.
    app.upload(&resident, &id, &[("type", "income_proof")], &jpeg_bytes(201)).await;
    app.mock_economic_check(json!({"check_id": "dx-2"})).await;
    app.step_ok(&reviewer, &id, "investigation", json!({})).await;
    let current = app.application(&reviewer, &id).await;
    let dibao = json!({"items": [{"code": "dibao", "version": TestApp::item_version(&current, "dibao"), "outcome": "approved", "amount_fen": 60000}]});
    let decided: Value = app.step(&reviewer, &id, "decision", &dibao).await.json().await.unwrap();
    assert_eq!(decided["status"], "decided");
    let held = app.step(&reviewer, &id, "close", &json!({"version": decided["version"]})).await;
    problem(held, 409, "INVALID_TRANSITION").await;
    let supplemented = app.step_ok(&resident, &id, "supplement", json!({})).await;
    assert_eq!(supplemented["status"], "decided");
    let tickets: Value =
        app.get_as("/api/v1/supervision/tickets?kind=emergency_re_review", Some(&reviewer)).await.json().await.unwrap();
    let ticket = tickets[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(tickets[0]["closed_by_district"], true);

    // The re-review of the township's own emergency approval is the district's: the township
    // answers it, cannot close it, and so cannot close the case before the district looked.
    let close = format!("/api/v1/supervision/tickets/{ticket}/close");
    let outcome = json!({"outcome": "材料核实无误"});
    let refused =
        problem(app.post_json(&close, Some(&reviewer), &outcome).await, 403, "TICKET_CLOSED_BY_DISTRICT").await;
    assert!(refused["detail"].as_str().unwrap().contains("提交说明"), "{refused}");
    let version = app.application(&reviewer, &id).await["version"].clone();
    problem(app.step(&reviewer, &id, "close", &json!({"version": version})).await, 409, "INVALID_TRANSITION").await;
    let answer = format!("/api/v1/supervision/tickets/{ticket}/answer");
    let explanation = json!({"explanation": "火灾经村委会核实,补交的收入证明与申报一致"});
    problem(app.post_json(&answer, Some(&reviewer), &json!({"explanation": ""})).await, 422, "VALIDATION_FAILED").await;
    let other_township = app.token("demo-reviewer-2").await;
    problem(app.post_json(&answer, Some(&other_township), &explanation).await, 404, "NOT_FOUND").await;
    problem(app.post_json(&answer, Some(&resident), &explanation).await, 403, "FORBIDDEN").await;
    let answered: Value = app.post_json(&answer, Some(&reviewer), &explanation).await.json().await.unwrap();
    assert_eq!(answered["status"], "open");
    assert_eq!(answered["answer"]["explanation"], explanation["explanation"]);
    assert_eq!(app.audit_events("supervision.ticket.answered").await.len(), 1);

    let supervisor = app.token("demo-supervisor").await;
    problem(app.post_json(&answer, Some(&supervisor), &explanation).await, 403, "FORBIDDEN").await;
    let seen: Value = app
        .get_as("/api/v1/supervision/tickets?kind=emergency_re_review", Some(&supervisor))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen[0]["answer"]["explanation"], explanation["explanation"], "the district reads the answer");
    assert_eq!(app.post_json(&close, Some(&supervisor), &outcome).await.status(), 200);
    problem(app.post_json(&answer, Some(&reviewer), &explanation).await, 409, "CONFLICT").await;
    assert_eq!(app.step_ok(&reviewer, &id, "close", json!({})).await["status"], "closed");
}

#[tokio::test]
async fn the_economic_check_survives_a_slow_or_refusing_data_exchange() {
    let app = TestApp::spawn_demo().await;
    let (id, _) = app.submitted("qian", 6, &["dibao"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let accepted = app.step_ok(&reviewer, &id, "accept", json!({})).await;
    Mock::given(method("POST"))
        .and(path("/v1/economic-checks"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&app.data_exchange)
        .await;
    let slow = app.step(&reviewer, &id, "investigation", &json!({"version": accepted["version"]})).await;
    assert_eq!(slow.headers().get("retry-after").unwrap(), "30");
    problem(slow, 503, "DATA_EXCHANGE_UNAVAILABLE").await;
    assert_eq!(app.application(&reviewer, &id).await["status"], "accepted", "nothing changed");
    Mock::given(method("POST"))
        .and(path("/v1/economic-checks"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"code": "CONSENT_NOT_RECOGNISED"})))
        .up_to_n_times(1)
        .mount(&app.data_exchange)
        .await;
    let refused = app.step(&reviewer, &id, "investigation", &json!({"version": accepted["version"]})).await;
    problem(refused, 502, "DATA_EXCHANGE_ERROR").await;
    let checks: Value =
        app.get_as(&format!("/api/v1/applications/{id}/investigations"), Some(&reviewer)).await.json().await.unwrap();
    let statuses: Vec<&str> = checks.as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["failed", "failed"], "both attempts are on record");
    app.mock_economic_check(json!({"check_id": "dx-3"})).await;
    let investigating = app.step_ok(&reviewer, &id, "investigation", json!({})).await;
    assert_eq!(investigating["status"], "investigating");
}

#[tokio::test]
async fn bad_review_input_is_refused_field_by_field() {
    let app = TestApp::spawn_demo().await;
    let (id, _) = app.submitted("kong", 19, &["dibao"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let submitted = app.application(&reviewer, &id).await;
    let nothing = json!({"version": submitted["version"], "missing": [], "note": "请补充材料"});
    let body = problem(app.step(&reviewer, &id, "return", &nothing).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("missing"), Some("REQUIRED"))
    );
    let investigating = app.investigating(&reviewer, &id).await;
    let version = TestApp::item_version(&investigating, "dibao");
    let decision = json!({"items": [
        {"code": "tekun", "version": 0, "outcome": "approved", "amount_fen": 100},
        {"code": "dibao", "version": version, "outcome": "rejected", "reasons": ["other"]},
        {"code": "dibao", "version": version, "outcome": "rejected", "reasons": ["not_eligible"]}]});
    let body = problem(app.step(&reviewer, &id, "decision", &decision).await, 422, "VALIDATION_FAILED").await;
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("items[0].code", "UNKNOWN_ITEM"), ("items[1].note", "REQUIRED"), ("items[2].code", "DUPLICATE")]
    );
    assert_eq!(app.application(&reviewer, &id).await["items"][0]["status"], "investigating", "nothing was decided");
}
