//! Deadlines with a controlled clock, supervision lists and tickets, monthly figures and the
//! reproducible sample.

use api::supervision::deadlines;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tests::{TestApp, problem};

fn due_date(application: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(application["items"][0]["due_date"].as_str().unwrap(), "%Y-%m-%d").unwrap()
}

async fn warn_date(app: &TestApp, id: &str) -> NaiveDate {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::application_item::Entity::find()
        .filter(entity::application_item::Column::ApplicationId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .warn_date
        .unwrap()
}

#[tokio::test]
async fn deadlines_warn_at_three_quarters_and_overdue_items_reach_the_district() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("wu", 9, &["dibao"]).await;
    let reviewer = app.token("demo-reviewer").await;
    let supervisor = app.token("demo-supervisor").await;
    let accepted = app.step_ok(&reviewer, &id, "accept", json!({})).await;
    let due = due_date(&accepted);
    let warn = warn_date(&app, &id).await;
    assert!(warn < due);

    let day_before = warn.pred_opt().unwrap();
    assert!(!deadlines::scan(&app.state, day_before).await.unwrap().changed());
    assert_eq!(deadlines::scan(&app.state, warn).await.unwrap().warned, 1);
    assert_eq!(app.progress_ok(&resident, &id).await["items"][0]["sla_state"], "warning");
    let warnings: Value =
        app.get_as("/api/v1/supervision/deadlines?state=warning", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(warnings.as_array().unwrap().len(), 1);
    let elsewhere = app.token("demo-reviewer-2").await;
    let none: Value =
        app.get_as("/api/v1/supervision/deadlines?state=warning", Some(&elsewhere)).await.json().await.unwrap();
    assert!(none.as_array().unwrap().is_empty(), "another township sees nothing");
    problem(app.get_as("/api/v1/supervision/deadlines", Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/supervision/deadlines", None).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as("/api/v1/supervision/deadlines?state=late", Some(&supervisor)).await, 400, "INVALID_QUERY")
        .await;

    // The due day itself is still in time; the day after, overdue with one ticket however often
    // the job runs, on however many nodes.
    assert!(!deadlines::scan(&app.state, due).await.unwrap().changed());
    let after = due.succ_opt().unwrap();
    let (a, b) = tokio::join!(deadlines::scan(&app.state, after), deadlines::scan(&app.state, after));
    assert_eq!(a.unwrap().overdue + b.unwrap().overdue, 1);
    assert_eq!(deadlines::scan(&app.state, after).await.unwrap().overdue, 0);
    let tickets: Value =
        app.get_as("/api/v1/supervision/tickets?kind=overdue", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    assert_eq!(tickets[0]["application_id"], id.as_str());
    assert_eq!(app.progress_ok(&resident, &id).await["items"][0]["sla_state"], "overdue");
    // The township's own delay is the district's to close; the township explains it.
    let overdue = format!("/api/v1/supervision/tickets/{}", tickets[0]["id"].as_str().unwrap());
    let outcome = json!({"outcome": "已督促办理"});
    problem(
        app.post_json(&format!("{overdue}/close"), Some(&reviewer), &outcome).await,
        403,
        "TICKET_CLOSED_BY_DISTRICT",
    )
    .await;
    let why = json!({"explanation": "入户调查因申请人住院推迟"});
    assert_eq!(app.post_json(&format!("{overdue}/answer"), Some(&reviewer), &why).await.status(), 200);
    assert_eq!(app.post_json(&format!("{overdue}/close"), Some(&supervisor), &outcome).await.status(), 200);

    // An application waiting for the applicant's materials is paused: never overdue.
    let (paused, _) = app.submitted("zheng", 10, &["dibao"]).await;
    app.step_ok(&reviewer, &paused, "return", json!({"missing": ["income_proof"], "note": "请补充收入证明"})).await;
    let far = due.checked_add_days(chrono::Days::new(60)).unwrap();
    let report = deadlines::scan(&app.state, far).await.unwrap();
    assert_eq!((report.overdue, report.materials_overdue), (0, 1), "the late materials open a ticket instead");
    let ticket = app.get_as("/api/v1/supervision/tickets?kind=materials_overdue", Some(&reviewer)).await;
    let ticket: Value = ticket.json().await.unwrap();
    assert_eq!(ticket[0]["application_id"], paused.as_str());
    let path = format!("/api/v1/supervision/tickets/{}/close", ticket[0]["id"].as_str().unwrap());
    problem(app.post_json(&path, Some(&elsewhere), &json!({"outcome": "已电话联系"})).await, 404, "NOT_FOUND").await;
    problem(app.post_json(&path, Some(&reviewer), &json!({"outcome": ""})).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(app.post_json(&path, Some(&reviewer), &json!({"outcome": "已电话联系,下周补交"})).await.status(), 200);
    problem(app.post_json(&path, Some(&reviewer), &json!({"outcome": "再次关闭"})).await, 409, "CONFLICT").await;
}

async fn decide_dibao(app: &TestApp, reviewer: &str, id: &str, approve: bool) {
    let investigating = app.investigating(reviewer, id).await;
    let version = TestApp::item_version(&investigating, "dibao");
    let item = if approve {
        json!({"code": "dibao", "version": version, "outcome": "approved", "amount_fen": 60000})
    } else {
        json!({"code": "dibao", "version": version, "outcome": "rejected", "reasons": ["income_above_standard"]})
    };
    let response = app.step(reviewer, id, "decision", &json!({"items": [item]})).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn monthly_figures_and_a_reproducible_ten_percent_sample() {
    let app = TestApp::spawn_demo().await;
    let reviewer = app.token("demo-reviewer").await;
    let supervisor = app.token("demo-supervisor").await;
    let mut decided = Vec::new();
    for (n, approve) in [(11, true), (12, false), (13, true)] {
        let (id, _) = app.submitted(&format!("resident{n}"), n, &["dibao"]).await;
        decide_dibao(&app, &reviewer, &id, approve).await;
        decided.push(id);
    }
    app.submitted("resident14", 14, &["dibao"]).await;
    let month = api::calendar::today().format("%Y-%m").to_string();

    let figures: Value = app
        .get_as(&format!("/api/v1/supervision/figures?month={month}"), Some(&supervisor))
        .await
        .json()
        .await
        .unwrap();
    let township = &figures["townships"][0];
    assert_eq!(township["township_code"], "500199001");
    assert_eq!((township["applications"].as_u64(), township["decided"].as_u64()), (Some(4), Some(3)));
    assert_eq!(township["approval_rate"], 0.667);
    assert_eq!(township["average_working_days"], 0.0);
    assert_eq!(township["p90_working_days"], 0);
    let other: Value = app
        .get_as(&format!("/api/v1/supervision/figures?month={month}"), Some(&app.token("demo-reviewer-2").await))
        .await
        .json()
        .await
        .unwrap();
    assert!(other["townships"].as_array().unwrap().is_empty(), "a township sees its own figures only");
    problem(app.get_as("/api/v1/supervision/figures?month=2026-13", Some(&supervisor)).await, 422, "VALIDATION_FAILED")
        .await;
    problem(
        app.get_as(&format!("/api/v1/supervision/figures?month={month}"), Some(&app.token("demo-social-worker").await))
            .await,
        403,
        "FORBIDDEN",
    )
    .await;

    problem(
        app.post_json("/api/v1/supervision/samples", Some(&reviewer), &json!({"month": month})).await,
        403,
        "FORBIDDEN",
    )
    .await;
    let samples: Value = app
        .post_json("/api/v1/supervision/samples", Some(&supervisor), &json!({"month": month}))
        .await
        .json()
        .await
        .unwrap();
    let sample = &samples[0];
    let population: Vec<uuid::Uuid> = serde_json::from_value(sample["population"].clone()).unwrap();
    let chosen: Vec<uuid::Uuid> = serde_json::from_value(sample["chosen"].clone()).unwrap();
    assert_eq!(population.len(), 3);
    assert_eq!(chosen.len(), 1, "10% of 3, rounded up");
    assert_eq!(
        api::supervision::samples::draw(sample["seed"].as_str().unwrap(), &population, 10),
        chosen,
        "anyone can redraw it"
    );
    let again: Value = app
        .post_json("/api/v1/supervision/samples", Some(&supervisor), &json!({"month": month}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again[0]["seed"], sample["seed"], "a month is drawn once");
    let tickets: Value =
        app.get_as("/api/v1/supervision/tickets?kind=sample_review", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    assert_eq!(tickets[0]["application_id"], json!(chosen[0]));
    // Nobody closes the oversight of their own decision: the sample is the district's to close.
    let close = format!("/api/v1/supervision/tickets/{}/close", tickets[0]["id"].as_str().unwrap());
    let outcome = json!({"outcome": "回访核实无误"});
    problem(app.post_json(&close, Some(&reviewer), &outcome).await, 403, "TICKET_CLOSED_BY_DISTRICT").await;
    assert_eq!(app.post_json(&close, Some(&supervisor), &outcome).await.status(), 200);
}

#[tokio::test]
async fn supervision_is_for_supervisors_and_reviewers_only() {
    let app = TestApp::spawn_demo().await;
    let (id, resident) = app.submitted("gao", 18, &["dibao"]).await;
    let helper = app.token("demo-social-worker").await;
    let admin = app.token("demo-admin").await;
    let month = api::calendar::today().format("%Y-%m").to_string();
    for path in [
        "/api/v1/supervision/deadlines".to_owned(),
        "/api/v1/supervision/tickets".to_owned(),
        format!("/api/v1/supervision/figures?month={month}"),
        format!("/api/v1/supervision/samples?month={month}"),
    ] {
        problem(app.get_as(&path, None).await, 401, "UNAUTHENTICATED").await;
        for token in [&resident, &helper] {
            problem(app.get_as(&path, Some(token)).await, 403, "FORBIDDEN").await;
        }
        problem(app.get_as(&path, Some(&admin)).await, 403, "ADMIN_NOT_CASE_WORKER").await;
    }
    problem(app.post_json("/api/v1/supervision/samples", None, &json!({"month": month})).await, 401, "UNAUTHENTICATED")
        .await;
    let close = format!("/api/v1/supervision/tickets/{}/close", uuid::Uuid::now_v7());
    problem(app.post_json(&close, Some(&resident), &json!({"outcome": "看过了"})).await, 403, "FORBIDDEN").await;
    let answer = format!("/api/v1/supervision/tickets/{}/answer", uuid::Uuid::now_v7());
    let why = json!({"explanation": "已核实"});
    problem(app.post_json(&answer, None, &why).await, 401, "UNAUTHENTICATED").await;
    problem(app.post_json(&answer, Some(&helper), &why).await, 403, "FORBIDDEN").await;
    // The review reads and the district's step refuse the anonymous and the applicant alike.
    let investigations = format!("/api/v1/applications/{id}/investigations");
    problem(app.get_as(&investigations, None).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as(&investigations, Some(&helper)).await, 403, "FORBIDDEN").await;
    let confirm = format!("/api/v1/applications/{id}/items/dibao/district-confirmation");
    let body = json!({"version": 0, "outcome": "approved", "amount_fen": 100});
    problem(app.post_json(&confirm, None, &body).await, 401, "UNAUTHENTICATED").await;
    problem(app.post_json(&confirm, Some(&resident), &body).await, 403, "FORBIDDEN").await;
    let stranger = app.resident_token("stranger").await;
    problem(app.post_json(&confirm, Some(&stranger), &body).await, 404, "NOT_FOUND").await;
}
