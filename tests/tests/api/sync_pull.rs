//! Offline sync pull: a full sync a page at a time, later pulls with only what changed, a change
//! committed late that a cursor must not skip, tombstones, and a cursor too old for them.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use tests::{TestApp, id_number, problem};
use uuid::Uuid;

const COMMUNITY: &str = "500199001001";

fn create(seq: i64, app: &str) -> Value {
    json!({"op_id": Uuid::now_v7(), "seq": seq, "op": "application.create", "entity_id": app,
           "client_time": chrono::Utc::now(), "data": {"community_code": COMMUNITY, "items": ["temporary"],
           "contact_phone": "13800138000", "household": {"sudden_hardship": true}}})
}

async fn push(app: &TestApp, token: &str, device: &str, ops: &[Value]) {
    let body = json!({"device_id": device, "ops": ops});
    let response = app.post_json("/api/v1/sync/push", Some(token), &body).await;
    let answer: Value = response.json().await.expect("JSON");
    assert!(answer["results"].as_array().unwrap().iter().all(|r| r["outcome"] == "applied"), "{answer}");
}

async fn pull(app: &TestApp, token: &str, cursor: Option<&str>, limit: u32) -> Value {
    let query = cursor.map_or(String::new(), |c| format!("&cursor={c}"));
    let response = app.get_as(&format!("/api/v1/sync/pull?limit={limit}{query}"), Some(token)).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 200, "{body}");
    body
}

/// Every page until `more` is false: the changes and the last cursor.
async fn pull_all(app: &TestApp, token: &str, mut cursor: Option<String>, limit: u32) -> (Vec<Value>, String, usize) {
    let mut changes = Vec::new();
    let mut pages = 0;
    loop {
        let page = pull(app, token, cursor.as_deref(), limit).await;
        pages += 1;
        changes.extend(page["changes"].as_array().unwrap().iter().cloned());
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["more"] == false {
            return (changes, cursor.unwrap(), pages);
        }
    }
}

fn ids(changes: &[Value], entity: &str) -> Vec<String> {
    changes.iter().filter(|c| c["entity"] == entity).map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_full_pull_brings_the_community_and_later_pulls_only_what_changed() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let device = Uuid::now_v7().to_string();
    let mine = Uuid::now_v7().to_string();
    push(&app, &helper, &device, &[create(1, &mine)]).await;
    let member = Uuid::now_v7().to_string();
    let person = json!({"name": "王桂兰", "relation": "self", "id_number": id_number("19520611", 7)});
    assert_eq!(app.put_member(&helper, &mine, &member, &person).await.status(), 201);
    // Another community's application stays off this helper's phone.
    let resident = app.resident_token("pull-elsewhere").await;
    let elsewhere = Uuid::now_v7().to_string();
    let body = json!({"id": elsewhere, "community_code": "500199002001", "items": ["dibao"],
                      "contact_phone": "13800138000", "household": {}});
    assert_eq!(app.create_application(&resident, &body).await.status(), 201);

    let (changes, cursor, pages) = pull_all(&app, &helper, None, 5).await;
    assert!(pages >= 4, "13 aid items, 6 regions and an application come in pages of 5: {pages}");
    assert_eq!(ids(&changes, "application"), [mine.as_str()]);
    assert_eq!(ids(&changes, "aid_item").len(), 13);
    assert!(ids(&changes, "region").contains(&COMMUNITY.to_owned()));
    let pulled = changes.iter().find(|c| c["entity"] == "application").unwrap();
    let members = pulled["application"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert!(members[0]["id_number_masked"].as_str().unwrap().contains('*'), "{pulled}");
    assert!(!pulled.to_string().contains(&id_number("19520611", 7)), "ID numbers leave masked");
    let seqs: Vec<i64> = changes.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in server order: {seqs:?}");

    // Nothing changed: nothing to pull.
    let idle = pull(&app, &helper, Some(&cursor), 5).await;
    assert_eq!((idle["changes"].as_array().unwrap().len(), idle["more"].clone()), (0, json!(false)));

    // The member is removed online: the next pull has the application once, as it is now.
    assert_eq!(app.delete_as(&format!("/api/v1/applications/{mine}/members/{member}"), &helper).await.status(), 200);
    let after = pull(&app, &helper, idle["cursor"].as_str(), 5).await;
    let changes = after["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{after}");
    assert_eq!(changes[0]["application"]["members"], json!([]));
    assert_eq!(changes[0]["application"]["version"], 3);

    // Who may not pull, and what is not a cursor.
    let response = app.get_as("/api/v1/sync/pull", None).await;
    problem(response, 401, "UNAUTHENTICATED").await;
    problem(app.get_as("/api/v1/sync/pull", Some(&resident)).await, 403, "FORBIDDEN").await;
    let reviewer = app.token("demo-reviewer").await;
    problem(app.get_as("/api/v1/sync/pull", Some(&reviewer)).await, 403, "FORBIDDEN").await;
    for query in ["cursor=abc", "cursor=9:3", "cursor=-1", "limit=0", "limit=1001"] {
        let response = app.get_as(&format!("/api/v1/sync/pull?{query}"), Some(&helper)).await;
        let body = problem(response, 400, "INVALID_QUERY").await;
        assert!(body["errors"][0]["message"].as_str().unwrap().chars().any(|c| c > '\u{2e80}'), "{body}");
    }
    // A cursor this server never gave.
    problem(app.get_as("/api/v1/sync/pull?cursor=999999", Some(&helper)).await, 410, "SYNC_CURSOR_EXPIRED").await;
}

#[tokio::test]
async fn a_change_committed_late_is_pulled_after_a_cursor_passed_it() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let device = Uuid::now_v7().to_string();
    let (slow, quick) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    push(&app, &helper, &device, &[create(1, &slow)]).await;
    let (_, cursor, _) = pull_all(&app, &helper, None, 500).await;

    // A transaction changes the first application and stays open while another one commits
    // and a phone pulls past it.
    let txn = app.state.db.begin().await.unwrap();
    let note = "UPDATE applications SET note = 'late', version = version + 1 WHERE id = $1";
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DatabaseBackend::Postgres,
        note,
        [Uuid::parse_str(&slow).unwrap().into()],
    ))
    .await
    .unwrap();
    push(&app, &helper, &device, &[create(2, &quick)]).await;
    let (changes, cursor, _) = pull_all(&app, &helper, Some(cursor), 500).await;
    assert_eq!(ids(&changes, "application"), [quick.as_str()]);

    txn.commit().await.unwrap();
    let (changes, _, _) = pull_all(&app, &helper, Some(cursor), 500).await;
    assert_eq!(ids(&changes, "application"), [slow.as_str()], "the late commit is not skipped");
    assert_eq!(changes[0]["application"]["note"], "late");
}

#[tokio::test]
async fn deletions_arrive_as_tombstones_until_purged_then_an_older_cursor_is_gone() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let admin = app.token("demo-admin").await;
    let created =
        app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "500199001009", "name": "东风社区"})).await;
    assert_eq!(created.status(), 201);
    let (changes, before, _) = pull_all(&app, &helper, None, 500).await;
    assert!(ids(&changes, "region").contains(&"500199001009".to_owned()));

    // The region is deleted on the server (there is no endpoint for it; an operator's hand).
    app.state.db.execute_unprepared("DELETE FROM regions WHERE code = '500199001009'").await.unwrap();
    let (changes, after, _) = pull_all(&app, &helper, Some(before.clone()), 500).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!((changes[0]["id"].clone(), changes[0]["deleted"].clone()), (json!("500199001009"), json!(true)));
    assert!(changes[0].get("region").is_none());
    // A full sync has no use for tombstones.
    let (fresh, _, _) = pull_all(&app, &helper, None, 500).await;
    assert!(fresh.iter().all(|c| c["deleted"] == false));

    // The retention passes: the tombstone is purged; a phone that had not seen it must start over.
    let purged = api::sync::changes::purge(&app.state.db, i64::MAX).await.unwrap();
    assert_eq!(purged, 1);
    let response = app.get_as(&format!("/api/v1/sync/pull?cursor={before}"), Some(&helper)).await;
    let body = problem(response, 410, "SYNC_CURSOR_EXPIRED").await;
    assert!(body["detail"].as_str().unwrap().contains("完整同步"), "{body}");
    let (changes, _, _) = pull_all(&app, &helper, Some(after), 500).await;
    assert!(changes.is_empty());
    let (fresh, _, _) = pull_all(&app, &helper, None, 500).await;
    assert!(!ids(&fresh, "region").contains(&"500199001009".to_owned()));
}
