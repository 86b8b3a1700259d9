//! Periodic check-ins: remote with a selfie (local verifier and a fake WeChat 人脸核身), replay
//! refusals, bad challenges, assisted check-ins by helpers, missed periods that become home-visit
//! tasks, suspension by the township reviewer only, sampling, reminders and the photo purge.

use chrono::{Duration, NaiveDate, Utc};
use imaging::quality::Check;
use serde_json::{Value, json};
use tests::checkins::{open_now, selfie_at, selfie_resized, selfie_shrunk};
use tests::{TestApp, jpeg_bytes, problem};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

async fn checkin_app() -> TestApp {
    TestApp::spawn_demo_with(open_now).await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(code, status, "{body}");
    body
}

#[tokio::test]
async fn a_recipient_checks_in_remotely_and_a_replayed_selfie_is_refused() {
    let app = checkin_app().await;
    let (recipient, resident) = app.recipient("ck-remote", 1, "dibao").await;

    let mine = json_of(app.get_as("/api/v1/checkins/mine", Some(&resident)).await, 200).await;
    assert_eq!(mine["due_now"], true, "{mine}");
    assert_eq!(mine["periods"][0]["item_code"], "dibao");
    assert_eq!(mine["periods"][0]["recipient_id"], recipient.as_str());

    let challenge = json_of(app.challenge(&resident).await, 200).await;
    assert_eq!(challenge["verifier"], "local");
    assert!(challenge["action_prompt"].as_str().is_some_and(|p| p.starts_with('请')));
    let nonce = challenge["nonce"].as_str().unwrap().to_owned();
    let id = uuid::Uuid::now_v7().to_string();
    let fields = [
        ("nonce", nonce.as_str()),
        ("id", id.as_str()),
        ("captured_at", "2026-12-02T10:00:00+08:00"),
        ("device", "iPhone 13; WeChat 8.0.50"),
    ];
    let passed = json_of(app.check_in(&resident, &fields, &selfie_at(653, 60)).await, 201).await;
    assert_eq!(passed["outcome"], "passed");
    assert_eq!(passed["assurance"], "low", "the local verifier is low assurance");
    assert_eq!(passed["periods"][0]["item_code"], "dibao");
    assert!(passed["next_due"].is_string(), "the next period is scheduled: {passed}");

    // The phone lost the answer and sends the same check-in again: the same answer, one record.
    let again = json_of(app.check_in(&resident, &fields, &selfie_at(653, 60)).await, 200).await;
    assert_eq!(again["id"], passed["id"]);
    // The nonce works once.
    let reuse = [("nonce", nonce.as_str())];
    problem(app.check_in(&resident, &reuse, &selfie_at(100, 150)).await, 422, "CHECKIN_CHALLENGE_INVALID").await;

    // The next period's window is open at once in these settings: the same picture, resized and
    // recompressed, is a replay; so is the same file.
    for replay in [selfie_resized(653, 60), selfie_at(653, 60)] {
        let nonce = app.nonce(&resident).await;
        let body =
            problem(app.check_in(&resident, &[("nonce", nonce.as_str())], &replay).await, 422, "SELFIE_REPLAYED").await;
        assert!(body["detail"].as_str().unwrap().contains("现场拍摄"), "{body}");
    }
    // A replay is recorded as a failed check-in and the community is asked to visit.
    let helper = app.token("demo-social-worker").await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&helper)).await, 200).await;
    assert_eq!(tasks.as_array().unwrap().len(), 1, "{tasks}");
    assert_eq!(tasks[0]["kind"], "failed");
    assert_eq!(tasks[0]["recipient_id"], recipient.as_str());
    assert!(tasks[0]["id_number_masked"].as_str().unwrap().contains('*'));
    // A new selfie passes and closes that task.
    let nonce = app.nonce(&resident).await;
    json_of(app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(100, 150)).await, 201).await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=closed", Some(&helper)).await, 200).await;
    assert_eq!(tasks[0]["outcome"], "checked_in", "{tasks}");
}

#[tokio::test]
async fn an_expired_challenge_is_refused() {
    let app = TestApp::spawn_demo_with(|settings| {
        open_now(settings);
        settings.checkins.challenge_ttl_secs = 1;
    })
    .await;
    let (_, resident) = app.recipient("ck-expired", 1, "dibao").await;
    let nonce = app.nonce(&resident).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let body = problem(
        app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await,
        422,
        "CHECKIN_CHALLENGE_EXPIRED",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("重新开始"));
}

#[tokio::test]
async fn bad_challenges_photos_and_callers_are_refused() {
    let app = checkin_app().await;
    let (_, resident) = app.recipient("ck-bad-a", 1, "dibao").await;
    let (_, other) = app.recipient("ck-bad-b", 2, "dibao").await;
    let nonce = app.nonce(&resident).await;

    // A made-up one, and another person's: refused, and the owner can still use theirs.
    problem(
        app.check_in(&resident, &[("nonce", "9999999999999.00")], &selfie_at(653, 60)).await,
        422,
        "CHECKIN_CHALLENGE_INVALID",
    )
    .await;
    let theirs = app.nonce(&other).await;
    problem(
        app.check_in(&resident, &[("nonce", theirs.as_str())], &selfie_at(653, 60)).await,
        422,
        "CHECKIN_CHALLENGE_INVALID",
    )
    .await;
    // A photo without a face is refused with how to retake it; the nonce stays usable.
    let body =
        problem(app.check_in(&other, &[("nonce", theirs.as_str())], &jpeg_bytes(7)).await, 422, "FACE_NOT_FOUND").await;
    assert!(!body["errors"].as_array().unwrap().is_empty());
    json_of(app.check_in(&other, &[("nonce", theirs.as_str())], &selfie_at(100, 150)).await, 201).await;
    // A form without its nonce or photo.
    let body =
        problem(app.check_in(&resident, &[("captured_at", "yesterday")], &[]).await, 422, "VALIDATION_FAILED").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["nonce", "captured_at", "file"]);

    // Not a recipient: a resident without approved aid, for every resident endpoint.
    let stranger = app.resident_token("ck-stranger").await;
    problem(app.get_as("/api/v1/checkins/mine", Some(&stranger)).await, 403, "NOT_A_RECIPIENT").await;
    problem(app.challenge(&stranger).await, 403, "NOT_A_RECIPIENT").await;
    problem(app.check_in(&stranger, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 403, "NOT_A_RECIPIENT")
        .await;
    // Staff and anonymous callers.
    let reviewer = app.token("demo-reviewer").await;
    problem(app.challenge(&reviewer).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/checkins/mine", None).await, 401, "UNAUTHENTICATED").await;
    problem(app.post_json("/api/v1/checkins/challenge", None, &json!({})).await, 401, "UNAUTHENTICATED").await;
}

#[tokio::test]
async fn a_too_small_selfie_is_refused_and_an_answer_carries_the_photo_warnings() {
    let app = checkin_app().await;
    let (_, resident) = app.recipient("ck-small", 1, "dibao").await;
    let nonce = app.nonce(&resident).await;
    // 200×200: retake it with the camera; the nonce stays usable.
    let body = problem(
        app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_shrunk(653, 60, 200)).await,
        422,
        "IMAGE_TOO_SMALL",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("原图"), "{body}");
    let good = json_of(app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 201).await;
    assert_eq!(good["warnings"], json!([]), "a good selfie has no warnings: {good}");

    // Where the policy lets a small selfie pass, the answer says how to take a better one.
    let lenient = TestApp::spawn_demo_with(|s| {
        open_now(s);
        let selfie = vec![Check::ImageBlurry, Check::ImageTooDark, Check::FaceNotFound];
        s.imaging.reject.insert("selfie".to_owned(), selfie);
    })
    .await;
    let (_, resident) = lenient.recipient("ck-small-ok", 2, "dibao").await;
    let nonce = lenient.nonce(&resident).await;
    let photo = selfie_shrunk(653, 60, 400);
    let passed = json_of(lenient.check_in(&resident, &[("nonce", nonce.as_str())], &photo).await, 201).await;
    assert_eq!(passed["warnings"].as_array().unwrap().len(), 1, "{passed}");
    assert_eq!(passed["warnings"][0]["code"], "IMAGE_TOO_SMALL");
    assert!(passed["warnings"][0]["message"].as_str().unwrap().contains("靠近"), "{passed}");
}

#[tokio::test]
async fn a_check_in_outside_its_window_is_refused_with_the_next_window() {
    let app = checkin_app().await;
    // 特困 keeps the default schedule: quarterly, open 15 days before the due date.
    let (_, resident) = app.recipient("ck-early", 1, "tekun").await;
    let mine = json_of(app.get_as("/api/v1/checkins/mine", Some(&resident)).await, 200).await;
    assert_eq!(mine["due_now"], false);
    let opens = mine["periods"][0]["opens_on"].as_str().unwrap().to_owned();
    let body = problem(app.challenge(&resident).await, 422, "CHECKIN_NOT_DUE").await;
    assert!(body["detail"].as_str().unwrap().contains(&opens), "{body}");
    problem(app.check_in(&resident, &[("nonce", "1.00")], &selfie_at(653, 60)).await, 422, "CHECKIN_NOT_DUE").await;
}

/// The fake WeChat: an access token, a `verify_id` per resident, and `queryverifyinfo`'s answer
/// for each `verify_id`.
async fn mock_face_verification(app: &TestApp, answers: &[(&str, Value)]) {
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok", "expires_in": 7200})))
        .mount(&app.wechat)
        .await;
    for (name, answer) in answers {
        Mock::given(method("POST"))
            .and(path("/cityservice/face/identify/getverifyid"))
            .and(body_partial_json(json!({"openid": format!("openid-{name}")})))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 0, "verify_id": format!("v-{name}"), "expires_in": 3600})),
            )
            .mount(&app.wechat)
            .await;
        Mock::given(method("POST"))
            .and(path("/cityservice/face/identify/queryverifyinfo"))
            .and(body_partial_json(json!({"verify_id": format!("v-{name}")})))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
            .mount(&app.wechat)
            .await;
    }
}

#[tokio::test]
async fn the_wechat_verifier_passes_on_10000_and_rejects_its_failure_codes() {
    let app = TestApp::spawn_demo_with(|settings| {
        open_now(settings);
        settings.checkins.verifier = api::config::VerifierKind::Wechat;
    })
    .await;
    mock_face_verification(
        &app,
        &[
            ("ck-wx-pass", json!({"errcode": 0, "errmsg": "ok", "verify_ret": 10000})),
            ("ck-wx-mismatch", json!({"errcode": 0, "errmsg": "ok", "verify_ret": 10004})),
            ("ck-wx-cancel", json!({"errcode": 0, "errmsg": "ok", "verify_ret": 90004})),
            ("ck-wx-busy", json!({"errcode": -1, "errmsg": "system error"})),
        ],
    )
    .await;
    let (_, pass) = app.recipient("ck-wx-pass", 1, "dibao").await;
    let challenge = json_of(app.challenge(&pass).await, 200).await;
    assert_eq!(
        (challenge["verifier"].as_str(), challenge["verify_id"].as_str()),
        (Some("wechat"), Some("v-ck-wx-pass"))
    );
    let nonce = challenge["nonce"].as_str().unwrap();
    let passed = json_of(app.check_in(&pass, &[("nonce", nonce)], &selfie_at(653, 60)).await, 201).await;
    assert_eq!((passed["verifier"].as_str(), passed["assurance"].as_str()), (Some("wechat"), Some("high")));
    assert_eq!(passed["sampled"], false, "high-assurance passes are not sampled");
    // WeChat got the name and ID number to start, and only their hash to query.
    let requests = app.wechat.received_requests().await.unwrap();
    let body = |p: &str| {
        let r = requests.iter().find(|r| r.url.path().ends_with(p)).expect("a call");
        serde_json::from_slice::<Value>(&r.body).unwrap()
    };
    let start = body("getverifyid");
    assert_eq!(start["cert_info"]["cert_type"], "IDENTITY_CARD");
    assert_eq!(start["cert_info"]["cert_no"].as_str().map(str::len), Some(18));
    let query = body("queryverifyinfo");
    assert_eq!(query["cert_hash"].as_str().map(str::len), Some(44));
    assert!(query.get("cert_info").is_none());

    // 10004 (the face is not the ID card's): a failed check-in and a home-visit task.
    let (_, mismatch) = app.recipient("ck-wx-mismatch", 2, "dibao").await;
    let nonce = app.nonce(&mismatch).await;
    let body = problem(
        app.check_in(&mismatch, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await,
        422,
        "FACE_VERIFICATION_FAILED",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("不会因此自动停发"));
    // 90004 (the person cancelled on the phone): not finished, nothing recorded.
    let (_, cancel) = app.recipient("ck-wx-cancel", 3, "dibao").await;
    let nonce = app.nonce(&cancel).await;
    problem(
        app.check_in(&cancel, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await,
        422,
        "FACE_VERIFICATION_INCOMPLETE",
    )
    .await;
    // errcode -1 (WeChat busy): try again later, the nonce is kept.
    let (_, busy) = app.recipient("ck-wx-busy", 4, "dibao").await;
    let nonce = app.nonce(&busy).await;
    let response = app.check_in(&busy, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await;
    assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("30"));
    problem(response, 503, "VERIFIER_UNAVAILABLE").await;
    problem(app.check_in(&busy, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 503, "VERIFIER_UNAVAILABLE")
        .await;

    let helper = app.token("demo-social-worker").await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&helper)).await, 200).await;
    let kinds: Vec<&str> = tasks.as_array().unwrap().iter().filter_map(|t| t["kind"].as_str()).collect();
    assert_eq!(kinds, ["failed"], "only the mismatch opened a task: {tasks}");
}

/// The first period's due and closing dates, as the recipient sees them.
async fn first_period(app: &TestApp, resident: &str) -> (NaiveDate, NaiveDate) {
    let mine = json_of(app.get_as("/api/v1/checkins/mine", Some(resident)).await, 200).await;
    let day = |key: &str| NaiveDate::parse_from_str(mine["periods"][0][key].as_str().unwrap(), "%Y-%m-%d").unwrap();
    (day("due_date"), day("closes_on"))
}

#[tokio::test]
async fn a_helper_checks_in_on_a_home_visit_and_closes_the_missed_period() {
    let app = checkin_app().await;
    let (recipient, resident) = app.recipient("ck-visit", 1, "dibao").await;
    let (due, closes) = first_period(&app, &resident).await;
    let report = api::checkins::jobs::scan(&app.state, closes + Duration::days(1)).await.unwrap();
    assert_eq!((report.missed, report.tasks_opened), (1, 1), "{report:?}");
    // Twice (another node) changes nothing.
    let again = api::checkins::jobs::scan(&app.state, closes + Duration::days(1)).await.unwrap();
    assert_eq!((again.missed, again.tasks_opened), (0, 0));

    let helper = app.token("demo-social-worker").await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&helper)).await, 200).await;
    assert_eq!((tasks[0]["kind"].as_str(), tasks.as_array().unwrap().len()), (Some("missed"), 1));
    let missed = json_of(app.get_as("/api/v1/checkins/periods?state=missed", Some(&helper)).await, 200).await;
    assert_eq!(missed["items"][0]["due_date"], due.to_string());
    assert_eq!(missed["items"][0]["name"], "张秀英");

    // Helpers of another community, reviewers and residents cannot record it.
    let now = Utc::now().to_rfc3339();
    let id = uuid::Uuid::now_v7().to_string();
    let fields = [("performed_at", now.as_str()), ("location_note", "和平社区 3 栋 2 单元家中"), ("id", id.as_str())];
    let other = app.token("demo-helper-b").await;
    problem(app.assisted(&other, &recipient, &fields, &selfie_at(653, 60)).await, 404, "NOT_FOUND").await;
    let other_tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&other)).await, 200).await;
    assert_eq!(other_tasks, json!([]));
    let reviewer = app.token("demo-reviewer").await;
    problem(app.assisted(&reviewer, &recipient, &fields, &selfie_at(653, 60)).await, 403, "FORBIDDEN").await;
    problem(app.assisted(&resident, &recipient, &fields, &selfie_at(653, 60)).await, 403, "FORBIDDEN").await;
    // A visit in the future, or too long ago, is refused.
    for when in [Utc::now() + Duration::days(1), Utc::now() - Duration::days(40)] {
        let when = when.to_rfc3339();
        let bad = [("performed_at", when.as_str()), ("location_note", "家中")];
        let body =
            problem(app.assisted(&helper, &recipient, &bad, &selfie_at(653, 60)).await, 422, "VALIDATION_FAILED").await;
        assert_eq!(body["errors"][0]["field"], "performed_at");
    }

    let done = json_of(app.assisted(&helper, &recipient, &fields, &selfie_at(653, 60)).await, 201).await;
    assert_eq!((done["mode"].as_str(), done["assurance"].as_str()), (Some("assisted"), Some("assisted")));
    assert!(done["periods"].as_array().unwrap().iter().any(|p| p["due_date"] == due.to_string()), "{done}");
    // Synced twice from the phone: one record.
    let again = json_of(app.assisted(&helper, &recipient, &fields, &selfie_at(653, 60)).await, 200).await;
    assert_eq!(again["id"], done["id"]);
    let closed = json_of(app.get_as("/api/v1/checkins/tasks?status=closed", Some(&helper)).await, 200).await;
    assert_eq!(closed[0]["outcome"], "checked_in", "{closed}");
}

#[tokio::test]
async fn a_missed_check_in_becomes_a_visit_and_only_then_the_township_suspends() {
    let app = checkin_app().await;
    let (recipient, resident) = app.recipient("ck-suspend", 1, "dibao").await;
    let (due, closes) = first_period(&app, &resident).await;
    api::checkins::jobs::scan(&app.state, closes + Duration::days(1)).await.unwrap();
    let helper = app.token("demo-social-worker").await;
    let reviewer = app.token("demo-reviewer").await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&reviewer)).await, 200).await;
    let task = tasks[0]["id"].as_str().unwrap().to_owned();
    let suspension = format!("/api/v1/recipients/{recipient}/suspension");
    let suspend = json!({"reason": "not_found", "note": "三次上门无人,邻居称已外出", "task_id": task});

    // Not before the visit.
    let body = problem(app.post_json(&suspension, Some(&reviewer), &suspend).await, 409, "INVALID_TRANSITION").await;
    assert_eq!(body["current"]["task_status"], "open");
    // The helper closes the visit with what they found.
    let close = format!("/api/v1/checkins/tasks/{task}/close");
    problem(
        app.post_json(&close, Some(&helper), &json!({"finding": "not_found", "note": "x"})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    problem(
        app.post_json(&close, Some(&reviewer), &json!({"finding": "not_found", "note": "无人"})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let found = json!({"finding": "not_found", "note": "三次上门无人应答"});
    let closed = json_of(app.post_json(&close, Some(&helper), &found).await, 200).await;
    assert_eq!(closed["outcome"], "not_found");
    problem(app.post_json(&close, Some(&helper), &found).await, 409, "INVALID_TRANSITION").await;

    // Only the township reviewer of the recipient suspends, with a note.
    problem(app.post_json(&suspension, Some(&helper), &suspend).await, 403, "FORBIDDEN").await;
    let supervisor = app.token("demo-supervisor").await;
    problem(app.post_json(&suspension, Some(&supervisor), &suspend).await, 403, "FORBIDDEN").await;
    let other = app.token("demo-reviewer-2").await;
    problem(app.post_json(&suspension, Some(&other), &suspend).await, 404, "NOT_FOUND").await;
    problem(app.post_json(&suspension, Some(&resident), &suspend).await, 403, "FORBIDDEN").await;
    problem(app.post_json(&suspension, None, &suspend).await, 401, "UNAUTHENTICATED").await;
    let no_note = json!({"reason": "not_found", "note": " ", "task_id": task});
    problem(app.post_json(&suspension, Some(&reviewer), &no_note).await, 422, "VALIDATION_FAILED").await;
    let suspended = json_of(app.post_json(&suspension, Some(&reviewer), &suspend).await, 200).await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["actions"][0]["reason"], "not_found");
    problem(app.post_json(&suspension, Some(&reviewer), &suspend).await, 409, "INVALID_TRANSITION").await;
    let read = json_of(app.get_as(&format!("/api/v1/recipients/{recipient}"), Some(&supervisor)).await, 200).await;
    assert_eq!(read["status"], "suspended");
    assert_eq!(app.audit_events("recipient.suspended").await.len(), 1);

    // The month it was due: one period, missed; this month: one suspension.
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let figures =
        json_of(app.get_as(&format!("/api/v1/checkins/figures?month={}", month(due)), Some(&supervisor)).await, 200)
            .await;
    assert_eq!(
        (figures["townships"][0]["due"].as_u64(), figures["townships"][0]["missed"].as_u64()),
        (Some(1), Some(1))
    );
    let now = month((Utc::now() + Duration::hours(8)).date_naive());
    let figures =
        json_of(app.get_as(&format!("/api/v1/checkins/figures?month={now}"), Some(&reviewer)).await, 200).await;
    assert_eq!(figures["townships"][0]["suspended"], 1, "{figures}");
    problem(app.get_as("/api/v1/checkins/figures?month=2026-13", Some(&reviewer)).await, 422, "VALIDATION_FAILED")
        .await;
    problem(app.get_as(&format!("/api/v1/checkins/figures?month={now}"), Some(&helper)).await, 403, "FORBIDDEN").await;

    // Resuming is recorded the same way.
    let resumption = format!("/api/v1/recipients/{recipient}/resumption");
    problem(app.post_json(&resumption, Some(&helper), &json!({"note": "本人已返回"})).await, 403, "FORBIDDEN").await;
    let resumed =
        json_of(app.post_json(&resumption, Some(&reviewer), &json!({"note": "本人已返回并完成核验"})).await, 200).await;
    assert_eq!((resumed["status"].as_str(), resumed["actions"].as_array().map(Vec::len)), (Some("active"), Some(2)));
    problem(app.post_json(&resumption, Some(&reviewer), &json!({"note": "再次恢复"})).await, 409, "INVALID_TRANSITION")
        .await;
}

#[tokio::test]
async fn low_assurance_passes_are_sampled_reminders_go_out_and_old_selfies_are_purged() {
    let app = TestApp::spawn_demo_with(|settings| {
        open_now(settings);
        settings.checkins.sample_low_assurance_percent = 100;
    })
    .await;
    let (_, resident) = app.recipient("ck-sample", 1, "dibao").await;

    // The window is open: the scan queues one reminder, once.
    let report = api::checkins::jobs::scan(&app.state, (Utc::now() + Duration::hours(8)).date_naive()).await.unwrap();
    assert_eq!(report.reminded, 1, "{report:?}");
    let again = api::checkins::jobs::scan(&app.state, (Utc::now() + Duration::hours(8)).date_naive()).await.unwrap();
    assert_eq!(again.reminded, 0);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let reminders = entity::notification::Entity::find()
        .filter(entity::notification::Column::Template.eq("checkin_reminder"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(reminders.len(), 1);

    let nonce = app.nonce(&resident).await;
    let passed = json_of(app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 201).await;
    assert_eq!(passed["sampled"], true);
    let id = passed["id"].as_str().unwrap().to_owned();

    let reviewer = app.token("demo-reviewer").await;
    let helper = app.token("demo-social-worker").await;
    let samples = json_of(app.get_as("/api/v1/checkins/samples", Some(&reviewer)).await, 200).await;
    assert_eq!((samples[0]["id"].as_str(), samples[0]["selfie_kept"].as_bool()), (Some(id.as_str()), Some(true)));
    problem(app.get_as("/api/v1/checkins/samples", Some(&helper)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/checkins/samples", Some(&resident)).await, 403, "FORBIDDEN").await;
    // The reviewer looks at the photo (audited); another township's does not find it.
    let selfie = app.get_as(&format!("/api/v1/checkins/{id}/selfie"), Some(&reviewer)).await;
    assert_eq!(selfie.status(), 200);
    assert_eq!(selfie.headers()["content-type"], "image/jpeg");
    assert_eq!(app.audit_events("checkin.selfie.read").await.len(), 1);
    let other = app.token("demo-reviewer-2").await;
    problem(app.get_as(&format!("/api/v1/checkins/{id}/selfie"), Some(&other)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&format!("/api/v1/checkins/{id}/selfie"), Some(&resident)).await, 403, "FORBIDDEN").await;
    // A selfie is biometric: staff of the region who do not decide on this check-in do not see it
    // — the district, a helper of the community with no visit to make — and an admin never.
    let selfie_path = format!("/api/v1/checkins/{id}/selfie");
    let supervisor = app.token("demo-supervisor").await;
    for token in [&helper, &supervisor] {
        let body = problem(app.get_as(&selfie_path, Some(token)).await, 403, "SELFIE_RESTRICTED").await;
        assert!(body["detail"].as_str().unwrap().contains("入户核查"), "{body}");
    }
    let admin = app.token("demo-admin").await;
    problem(app.get_as(&selfie_path, Some(&admin)).await, 403, "ADMIN_NOT_CASE_WORKER").await;
    assert_eq!(app.audit_events("checkin.selfie.read").await.len(), 1, "refusals read nothing");
    // In doubt: a visit for the community.
    let review = format!("/api/v1/checkins/{id}/review");
    problem(app.post_json(&review, Some(&helper), &json!({"verdict": "doubtful"})).await, 403, "FORBIDDEN").await;
    problem(app.post_json(&review, Some(&reviewer), &json!({"verdict": "maybe"})).await, 422, "VALIDATION_FAILED")
        .await;
    let reviewed = json_of(
        app.post_json(&review, Some(&reviewer), &json!({"verdict": "doubtful", "note": "像是翻拍"})).await,
        200,
    )
    .await;
    assert_eq!(reviewed["review_verdict"], "doubtful");
    problem(app.post_json(&review, Some(&reviewer), &json!({"verdict": "confirmed"})).await, 409, "INVALID_TRANSITION")
        .await;
    let tasks = json_of(app.get_as("/api/v1/checkins/tasks?status=open", Some(&helper)).await, 200).await;
    assert_eq!(tasks[0]["kind"], "doubtful");
    // The helpers who must now recognise the person at the door see the photo (audited); a
    // helper of another community does not find it.
    assert_eq!(app.get_as(&selfie_path, Some(&helper)).await.status(), 200);
    assert_eq!(app.audit_events("checkin.selfie.read").await.len(), 2);
    problem(app.get_as(&selfie_path, Some(&app.token("demo-helper-b").await)).await, 404, "NOT_FOUND").await;

    // Lists by state: the helper's community only.
    let done = json_of(app.get_as("/api/v1/checkins/periods?state=done", Some(&helper)).await, 200).await;
    assert_eq!(done["items"][0]["done_mode"], "remote");
    let other_helper = app.token("demo-helper-b").await;
    let none = json_of(app.get_as("/api/v1/checkins/periods?state=done", Some(&other_helper)).await, 200).await;
    assert_eq!(none["items"], json!([]));
    problem(app.get_as("/api/v1/checkins/periods?state=done", Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/checkins/periods?state=soon", Some(&helper)).await, 400, "INVALID_QUERY").await;
    problem(app.get_as("/api/v1/checkins/periods?state=due&cursor=x", Some(&helper)).await, 400, "INVALID_QUERY").await;

    // After the retention period the photo is gone; its hash stays for replay checks.
    let purged = api::checkins::jobs::purge_selfies(&app.state, Utc::now() + Duration::days(91)).await.unwrap();
    assert_eq!(purged, 1);
    let body =
        problem(app.get_as(&format!("/api/v1/checkins/{id}/selfie"), Some(&reviewer)).await, 404, "NOT_FOUND").await;
    assert!(body["detail"].as_str().unwrap().contains("保存期限"));
    let nonce = app.nonce(&resident).await;
    problem(app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 422, "SELFIE_REPLAYED")
        .await;
}

#[tokio::test]
async fn with_redis_down_challenges_are_kept_in_the_database_and_still_work_once() {
    let proxy = tests::TcpProxy::start(tests::redis_addr()).await;
    let url = format!("redis://{}/0", proxy.addr);
    let app = TestApp::spawn_demo_with(|settings| {
        open_now(settings);
        settings.redis.url = Some(url.into());
        settings.redis.retry_after_failure_ms = 50;
    })
    .await;
    let (recipient, resident) = app.recipient("ck-outage", 1, "dibao").await;
    proxy.cut();
    let nonce = app.nonce(&resident).await;
    json_of(app.check_in(&resident, &[("nonce", nonce.as_str())], &selfie_at(653, 60)).await, 201).await;
    let again = [("nonce", nonce.as_str())];
    problem(app.check_in(&resident, &again, &selfie_at(100, 150)).await, 422, "CHECKIN_CHALLENGE_INVALID").await;
    proxy.restore().await;

    // The remaining wrong callers: staff cannot check in for themselves, residents cannot read
    // tasks or recipients, another township does not see them.
    let reviewer = app.token("demo-reviewer").await;
    problem(app.check_in(&reviewer, &again, &selfie_at(100, 150)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/checkins/tasks?status=open", Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/checkins/tasks?status=open", None).await, 401, "UNAUTHENTICATED").await;
    let path = format!("/api/v1/recipients/{recipient}");
    problem(app.get_as(&path, Some(&resident)).await, 403, "FORBIDDEN").await;
    let other = app.token("demo-reviewer-2").await;
    problem(app.get_as(&path, Some(&other)).await, 404, "NOT_FOUND").await;
    let read = json_of(app.get_as(&path, Some(&reviewer)).await, 200).await;
    assert_eq!((read["status"].as_str(), read["item_code"].as_str()), (Some("active"), Some("dibao")));
}

#[tokio::test]
async fn the_demo_data_has_a_recipient_whose_check_in_is_open_now() {
    let app = TestApp::spawn_demo().await;
    assert!(api::demo::recipient_due_now(&app.state.db, &app.state.settings).await.unwrap());
    assert!(
        !api::demo::recipient_due_now(&app.state.db, &app.state.settings).await.unwrap(),
        "seeding again adds nothing"
    );

    // `dev:laozhang` is the openid `dev_laozhang`; the fake WeChat answers it for this code.
    let answer = json!({ "openid": "dev_laozhang", "session_key": "c2Vzc2lvbi1rZXk=" });
    app.mock_wechat("laozhang-code", ResponseTemplate::new(200).set_body_string(answer.to_string())).await;
    let signed_in: Value = app.post_wechat_sign_in("laozhang-code").await.json().await.unwrap();
    let token = signed_in["access_token"].as_str().unwrap();
    let mine: Value = app.get_as("/api/v1/checkins/mine", Some(token)).await.json().await.unwrap();
    assert!(mine.to_string().contains("dibao"), "{mine}");
    assert_eq!(app.challenge(token).await.status(), 200, "the check-in window is open today: {mine}");
}
