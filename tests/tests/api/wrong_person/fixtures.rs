//! The objects the wrong people are sent to, made once per test app on the demo district: what
//! the API makes through the API (an application, a recipient, an upload, a service point), and
//! what only jobs or imports make (a check-in, a task, a lead, a ticket, a conflict) as rows.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};
use tests::TestApp;
use uuid::Uuid;

use super::Params;
use super::table::Group;

/// Region codes of the demo district.
const COMMUNITY: &str = "500199001001";
const TOWNSHIP: &str = "500199001";
const DISTRICT: &str = "500199";

/// The resident whose application the wrong people are sent to.
pub const OWNER: &str = "wrong-person-owner";

fn params(pairs: &[(&'static str, String)]) -> Params {
    pairs.iter().cloned().collect()
}

async fn account_id(app: &TestApp, username: &str) -> Uuid {
    entity::account::Entity::find()
        .filter(entity::account::Column::Username.eq(username))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("demo account")
        .id
}

/// A submitted application of a resident of 和平社区 (members, documents, signatures), its wallet
/// document, and an upload of hers.
pub async fn application(app: &TestApp) -> Vec<(Group, Params)> {
    let owner = app.resident_token(OWNER).await;
    let (id, member) = app.ready_draft_for(&owner, COMMUNITY, 41, &["dibao"]).await;
    assert_eq!(app.submit(&owner, &id).await.status(), 200, "submit");
    let read = app.application(&owner, &id).await;
    // Her phone has shown her the progress: the wrong people meet a warm progress cache.
    app.progress_ok(&owner, &id).await;
    let app_id = Uuid::parse_str(&id).expect("uuid");
    let db = &app.state.db;
    let document = entity::application_document::Entity::find()
        .filter(entity::application_document::Column::ApplicationId.eq(app_id))
        .filter(entity::application_document::Column::DocType.eq("income_proof"))
        .one(db)
        .await
        .expect("query")
        .expect("an income proof");
    let authorization = entity::authorization::Entity::find()
        .filter(entity::authorization::Column::ApplicationId.eq(app_id))
        .one(db)
        .await
        .expect("query")
        .expect("a signature");
    let signature = authorization.signature_document_id.to_string();
    let upload = Uuid::now_v7();
    create_upload(app, &owner, upload).await;
    let document_id = document.document_id.to_string();
    let cross = cross_params(app, &member, &document_id, &authorization.id.to_string(), &signature).await;
    let mut cross_staff = cross.clone();
    cross_staff.insert("id", submitted_elsewhere(app).await);
    let application = params(&[
        ("id", id.clone()),
        ("member_id", member),
        ("document_id", document_id.clone()),
        ("authorization_id", authorization.id.to_string()),
        ("code", "dibao".to_owned()),
        ("version", read["version"].to_string()),
        ("item_version", TestApp::item_version(&read, "dibao").to_string()),
        ("id_number", tests::id_number("19600101", 77)),
        ("new_id", Uuid::now_v7().to_string()),
    ]);
    vec![
        (Group::WrongHat, application.clone()),
        (Group::Application, application),
        (Group::Draft, cross.clone()),
        (Group::CrossApplication, cross),
        (Group::CrossStaff, cross_staff),
        (Group::Wallet, params(&[("document_id", document_id)])),
        (Group::Upload, params(&[("id", upload.to_string())])),
    ]
}

/// The stranger's own draft (with herself as a member), beside the other application's ids.
async fn cross_params(app: &TestApp, member: &str, document: &str, authorization: &str, signature: &str) -> Params {
    let stranger = app.resident_token("wrong-person-stranger").await;
    let draft = Uuid::now_v7().to_string();
    let body = tests::bodies::Draft::new(COMMUNITY, &["dibao"]).id(&draft);
    assert_eq!(app.create_application(&stranger, &body).await.status(), 201, "the stranger's draft");
    let own_member = Uuid::now_v7().to_string();
    let me = tests::bodies::Member::new("赵六", "self", tests::id_number("19700505", 88));
    assert_eq!(app.put_member(&stranger, &draft, &own_member, &me).await.status(), 201, "the stranger herself");
    let (text_version, text_sha256) = app.authorization_text().await;
    let read = app.application(&stranger, &draft).await;
    params(&[
        ("version", read["version"].to_string()),
        ("item_version", TestApp::item_version(&read, "dibao").to_string()),
        ("code", "dibao".to_owned()),
        ("id", draft),
        ("own_member_id", own_member),
        ("member_id", member.to_owned()),
        ("document_id", document.to_owned()),
        ("authorization_id", authorization.to_owned()),
        ("signature_id", signature.to_owned()),
        ("text_version", text_version),
        ("text_sha256", text_sha256),
        ("id_number", tests::id_number("19600101", 78)),
        ("new_id", Uuid::now_v7().to_string()),
    ])
}

/// An application of 石岭村 (白鹤镇), submitted: what its helper and reviewer may read.
async fn submitted_elsewhere(app: &TestApp) -> String {
    let resident = app.resident_token("wrong-person-elsewhere").await;
    let (id, _) = app.ready_draft_for(&resident, "500199002001", 43, &["dibao"]).await;
    assert_eq!(app.submit(&resident, &id).await.status(), 200, "submit in 石岭村");
    id
}

async fn create_upload(app: &TestApp, token: &str, id: Uuid) {
    let bytes = tests::jpeg_bytes(9);
    let response = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Checksum", format!("sha256 {}", STANDARD.encode(Sha256::digest(&bytes))))
        .header("Upload-Metadata", format!("id {}", STANDARD.encode(id.to_string())))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 201, "upload created");
}

/// A 低保 recipient of 和平社区 and the staff's work on her: a sampled check-in, an open task, a
/// lead raised on her, a supervision ticket on her application, a helper's sync conflict.
pub async fn casework(app: &TestApp) -> Vec<(Group, Params)> {
    let (recipient_id, _) = app.recipient("wrong-person-recipient", 42, "dibao").await;
    let db = &app.state.db;
    let recipient = entity::recipient::Entity::find_by_id(Uuid::parse_str(&recipient_id).expect("uuid"))
        .one(db)
        .await
        .expect("query")
        .expect("recipient");
    let helper = account_id(app, "demo-social-worker").await;
    let checkin = checkin_row(&recipient, helper).into_active_model().insert(db).await.expect("check-in");
    let selfie = checkin.selfie_key.clone().expect("a selfie key");
    app.state.storage.put(&selfie, tests::jpeg_bytes(12)).await.expect("the selfie stored");
    let task = task_row(&recipient).into_active_model().insert(db).await.expect("task");
    let lead = lead_row(app, &recipient).await.into_active_model().insert(db).await.expect("lead");
    let ticket = ticket_row(&recipient).into_active_model().insert(db).await.expect("ticket");
    let conflict = conflict_row(&recipient, helper).into_active_model().insert(db).await.expect("conflict");
    let helper_b = account_id(app, "demo-helper-b").await;
    let an_hour_ago = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    vec![
        (Group::Recipient, params(&[("id", recipient_id), ("task_id", task.id.to_string()), ("now", an_hour_ago)])),
        (Group::Checkin, params(&[("id", checkin.id.to_string())])),
        (Group::CheckinTask, params(&[("id", task.id.to_string())])),
        (Group::Lead, params(&[("id", lead.id.to_string()), ("helper_id", helper.to_string())])),
        (Group::CrossLead, params(&[("id", lead.id.to_string()), ("helper_id", helper_b.to_string())])),
        (Group::Ticket, params(&[("id", ticket.id.to_string())])),
        (Group::Conflict, params(&[("id", conflict.id.to_string())])),
    ]
}

fn checkin_row(recipient: &entity::recipient::Model, helper: Uuid) -> entity::checkin::Model {
    entity::checkin::Model {
        id: Uuid::now_v7(),
        recipient_id: recipient.id,
        subject_index: recipient.subject_index.clone(),
        actor_id: helper,
        actor_role: "helper".to_owned(),
        mode: "assisted".to_owned(),
        verifier: "helper".to_owned(),
        assurance: "assisted".to_owned(),
        outcome: "passed".to_owned(),
        failure_reason: None,
        provider_ref: None,
        action: None,
        captured_at: Some(Utc::now()),
        device: None,
        location_note: Some("家中".to_owned()),
        selfie_key: Some(format!("checkins/wrong-person/{}", Uuid::now_v7())),
        selfie_sha256: "0".repeat(64),
        phash: 0,
        selfie_purged_at: None,
        sampled: true,
        review_verdict: None,
        reviewed_by: None,
        reviewed_at: None,
        community_code: COMMUNITY.to_owned(),
        township_code: TOWNSHIP.to_owned(),
        district_code: DISTRICT.to_owned(),
        created_at: Utc::now(),
    }
}

fn task_row(recipient: &entity::recipient::Model) -> entity::checkin_task::Model {
    entity::checkin_task::Model {
        id: Uuid::now_v7(),
        kind: "missed".to_owned(),
        dedupe_key: format!("wrong-person:{}", recipient.id),
        recipient_id: recipient.id,
        cycle_id: None,
        checkin_id: None,
        subject_index: recipient.subject_index.clone(),
        community_code: COMMUNITY.to_owned(),
        township_code: TOWNSHIP.to_owned(),
        district_code: DISTRICT.to_owned(),
        due_date: Utc::now().date_naive(),
        status: "open".to_owned(),
        outcome: None,
        note: None,
        closed_by: None,
        closed_at: None,
        created_at: Utc::now(),
    }
}

/// A lead on the recipient under a rule the district supervisor wrote through the API.
async fn lead_row(app: &TestApp, recipient: &entity::recipient::Model) -> entity::lead::Model {
    let supervisor = app.token("demo-supervisor").await;
    let rule = json!({"name": "救助对象死亡", "kind": "recipient_death", "level": "yellow", "deadline_days": 3});
    let response = app.put_json("/api/v1/monitoring/rules/died", Some(&supervisor), &rule).await;
    assert_eq!(response.status(), 200, "rule");
    let rule = entity::warning_rule::Entity::find()
        .filter(entity::warning_rule::Column::Code.eq("died"))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("rule");
    entity::lead::Model {
        id: Uuid::now_v7(),
        rule_id: rule.id,
        rule_kind: rule.kind,
        subject_index: recipient.subject_index.clone(),
        period: Utc::now().date_naive().to_string(),
        level: "yellow".to_owned(),
        name: "张秀英".to_owned(),
        id_number_masked: "500199********0011".to_owned(),
        community_code: COMMUNITY.to_owned(),
        township_code: TOWNSHIP.to_owned(),
        district_code: DISTRICT.to_owned(),
        status: "open".to_owned(),
        sla_state: "on_time".to_owned(),
        deadline: Utc::now().date_naive(),
        evidence: json!({"records": []}),
        assigned_to: None,
        assigned_at: None,
        visited_at: None,
        visit_note: None,
        outcome: None,
        outcome_note: None,
        closed_at: None,
        closed_by: None,
        version: 1,
        created_at: Utc::now(),
    }
}

fn ticket_row(recipient: &entity::recipient::Model) -> entity::supervision_ticket::Model {
    entity::supervision_ticket::Model {
        id: Uuid::now_v7(),
        kind: "emergency_re_review".to_owned(),
        application_id: recipient.application_id,
        item_code: String::new(),
        township_code: TOWNSHIP.to_owned(),
        district_code: DISTRICT.to_owned(),
        status: "open".to_owned(),
        opened_at: Utc::now(),
        due_date: None,
        closed_at: None,
        closed_by: None,
        outcome: None,
        details: json!({}),
        answer: None,
        answered_at: None,
        answered_by: None,
    }
}

fn conflict_row(recipient: &entity::recipient::Model, helper: Uuid) -> entity::sync_conflict::Model {
    entity::sync_conflict::Model {
        id: Uuid::now_v7(),
        op_id: Uuid::now_v7(),
        account_id: helper,
        community_code: Some(COMMUNITY.to_owned()),
        entity: "application".to_owned(),
        entity_id: recipient.application_id,
        code: "VERSION_CONFLICT".to_owned(),
        base_version: Some(1),
        server_version: Some(2),
        payload: json!({"op": "update"}),
        status: "open".to_owned(),
        resolution: None,
        note: None,
        resolved_by: None,
        resolved_at: None,
        created_at: Utc::now(),
    }
}

/// A staff account, a township's region code, reference data by code, and a service point.
pub async fn settings(app: &TestApp) -> Vec<(Group, Params)> {
    let admin = app.token("demo-admin").await;
    let point = Uuid::now_v7();
    let body = json!({"id": point, "community_code": COMMUNITY, "name": "和平社区便民服务站"});
    assert_eq!(app.post_json("/api/v1/service-points", Some(&admin), &body).await.status(), 201, "service point");
    let staff = account_id(app, "demo-grid-worker").await;
    vec![
        (Group::Staff, params(&[("id", staff.to_string())])),
        (Group::RegionStaff, params(&[("code", TOWNSHIP.to_owned())])),
        (Group::Reference, params(&[("code", "dibao".to_owned()), ("year", "2026".to_owned())])),
        (Group::Precheck, params(&[("code", DISTRICT.to_owned())])),
        (Group::Rule, params(&[("code", "died".to_owned())])),
        (Group::ServicePoint, params(&[("id", point.to_string())])),
    ]
}
