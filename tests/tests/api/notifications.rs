//! Progress notifications: written to the outbox with each change, delivered by the job as WeChat
//! subscribe messages against a fake WeChat, retried with back-off, their status recorded.

use chrono::{Duration, Utc};
use entity::notification;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::TestApp;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

async fn outbox(app: &TestApp, id: &str) -> Vec<notification::Model> {
    notification::Entity::find()
        .filter(notification::Column::ApplicationId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_change_is_announced_and_delivery_is_retried_with_back_off() {
    let app = TestApp::spawn_demo().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .and(query_param("appid", "wx-test-app"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok-1", "expires_in": 7200})))
        .expect(1)
        .mount(&app.wechat)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .and(query_param("access_token", "tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": -1, "errmsg": "system busy"})))
        .up_to_n_times(1)
        .mount(&app.wechat)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .and(body_partial_json(json!({"touser": "openid-lin"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})))
        .mount(&app.wechat)
        .await;
    let (id, _) = app.submitted("lin", 15, &["dibao"]).await;
    let rows = outbox(&app, &id).await;
    assert_eq!(rows.len(), 1, "submit announced");
    assert_eq!(rows[0].status, "pending");

    let now = Utc::now();
    let first = api::notifications::deliver::deliver_due(&app.state, now).await.unwrap();
    assert_eq!((first.sent, first.retrying, first.failed), (0, 1, 0), "WeChat was busy");
    let row = &outbox(&app, &id).await[0];
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().unwrap().contains("busy"));
    assert!(row.next_attempt_at >= now + Duration::seconds(29), "waits before the next attempt");
    let early = api::notifications::deliver::deliver_due(&app.state, now + Duration::seconds(5)).await.unwrap();
    assert_eq!(early.sent + early.retrying, 0, "not before its time");
    let later = api::notifications::deliver::deliver_due(&app.state, now + Duration::seconds(31)).await.unwrap();
    assert_eq!(later.sent, 1);
    let row = &outbox(&app, &id).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 2));
    assert!(row.sent_at.is_some());

    let requests = app.wechat.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    assert_eq!(sent["template_id"], "progress-update");
    assert_eq!(sent["data"]["phrase2"]["value"], "已提交");
    assert!(sent["page"].as_str().unwrap().ends_with(&id));

    // Each review step is announced too.
    let reviewer = app.token("demo-reviewer").await;
    app.step_ok(&reviewer, &id, "accept", json!({})).await;
    let rows = outbox(&app, &id).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|r| r.status == "pending").count(), 1);
}

#[tokio::test]
async fn a_declined_subscription_is_not_retried_and_nobody_to_tell_is_recorded() {
    let app = TestApp::spawn_demo().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok-2", "expires_in": 7200})))
        .mount(&app.wechat)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 43101, "errmsg": "user refuse to accept the msg"})),
        )
        .mount(&app.wechat)
        .await;
    let (id, _) = app.submitted("ma", 16, &["dibao"]).await;
    let report = api::notifications::deliver::deliver_due(&app.state, Utc::now()).await.unwrap();
    assert_eq!(report.failed, 1);
    assert_eq!(outbox(&app, &id).await[0].status, "skipped");
    let again = api::notifications::deliver::deliver_due(&app.state, Utc::now() + Duration::hours(2)).await.unwrap();
    assert_eq!(again.sent + again.retrying + again.failed, 0, "never retried");

    // A helper's application for someone without a phone: nobody to notify, and it says so.
    let helper = app.token("demo-social-worker").await;
    let (helped, _) = app.ready_draft_for(&helper, "500199001001", 17, &["dibao"]).await;
    assert_eq!(app.submit(&helper, &helped).await.status(), 200);
    let row = &outbox(&app, &helped).await[0];
    assert_eq!(row.status, "skipped");
    assert!(row.account_id.is_none());
}
