//! One pushed operation, applied through the services the online endpoints use, inside the
//! push's transaction for that op. The services' own checks decide `rejected`; a record changed
//! on the server since the op's base version (by anyone but this device) is a `conflict`.

use std::collections::HashMap;

use entity::{application, sync_op, upload};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::model::{EntityKind, OpIn, OpKind};
use crate::applications::model::{ApplicationIn, ApplicationUpdateIn, MemberIn};
use crate::applications::scoped::may_read;
use crate::applications::{ScopedApplication, members, service};
use crate::auth::principal::Principal;
use crate::catalog::model::DocumentType;
use crate::documents::{self, DOCUMENT_KINDS, service::NewDocument, service::check_member};
use crate::error::{ApiError, ErrorCode, FieldError, Message};
use crate::state::AppState;

/// What an applied op did.
pub struct Applied {
    pub application_id: Uuid,
    pub version: i32,
    pub server: Value,
}

/// Why an op was not applied.
pub enum Failure {
    /// Invalid: the error says why; the phone must not send it again.
    Rejected(ApiError),
    /// The record changed on the server since the op's base version.
    Conflict { code: &'static str, application: Option<Box<application::Model>> },
    /// Not the op's fault (the database, a dependency): send it again later.
    RetryLater(ApiError),
    /// Something the op needs has not arrived yet (its photo's upload): send it again later.
    Waiting(&'static str),
}

impl From<ApiError> for Failure {
    fn from(err: ApiError) -> Self {
        match err.code() {
            code if code.status().is_server_error() => Self::RetryLater(err),
            _ => Self::Rejected(err),
        }
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::RetryLater(err.into())
    }
}

/// The pushing device, and the application versions its ops applied so far in this batch (not
/// yet in `sync_ops`, which the batch writes at its end).
pub struct Device {
    pub id: Uuid,
    pub versions: HashMap<Uuid, i32>,
}

pub async fn apply(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    match (op.entity, op.op) {
        (EntityKind::Application, OpKind::Create) => {
            let mut data = object(&op.data)?;
            data.insert("id".to_owned(), json!(op.entity_id));
            let input: ApplicationIn = parse(Value::Object(data))?;
            let (row, _) = service::create(txn, principal, input).await?;
            Ok(applied(&row))
        }
        (EntityKind::Application, OpKind::Update) => {
            let app = editable(txn, principal, device, op.entity_id, op.base_version).await?;
            let mut input: ApplicationUpdateIn = parse(Value::Object(without_version(&op.data)?))?;
            input.version = Some(app.version);
            let scope = ScopedApplication { principal: principal.clone(), application: app };
            let row = service::update(txn, scope, input).await.map_err(locked_is_conflict)?;
            Ok(applied(&row))
        }
        (EntityKind::Member, OpKind::Update | OpKind::Delete) => {
            let mut data = object(&op.data)?;
            let application_id =
                data.remove("application_id").and_then(|v| serde_json::from_value::<Uuid>(v).ok()).ok_or_else(
                    || rejected("application_id", "请注明成员所属的申请", "Give the member's application_id"),
                )?;
            let app = editable(txn, principal, device, application_id, op.base_version).await?;
            let scope = ScopedApplication { principal: principal.clone(), application: app };
            if op.op == OpKind::Update {
                let input: MemberIn = parse(Value::Object(data))?;
                members::put(txn, &state.pii, &scope, op.entity_id, input).await.map_err(locked_is_conflict)?;
            } else {
                members::delete(txn, &scope, op.entity_id).await.map_err(locked_is_conflict)?;
            }
            let row = application::Entity::find_by_id(application_id)
                .one(txn)
                .await?
                .ok_or_else(|| ApiError::internal("the application of a member vanished"))?;
            Ok(applied(&row))
        }
        (EntityKind::Document, OpKind::Create) => link_document(txn, state, principal, op).await,
        _ => Err(Failure::Rejected(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "op",
            "UNSUPPORTED_OP",
            Message::new(
                "不支持的同步操作(申请:create/update;成员:update/delete;材料:create)",
                "Not an operation sync takes (application: create/update; member: update/delete; document: create)",
            ),
        )]))),
    }
}

/// What a `document` op links: a finished upload, as a document of the application.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentLink {
    application_id: Uuid,
    upload_id: Uuid,
    #[serde(rename = "type")]
    doc_type: DocumentType,
    member_id: Option<Uuid>,
}

/// Links a finished upload to the application as a document (the op's `entity_id` is the
/// document's id): through the image pipeline, then attached, like an online upload.
async fn link_document(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let link: DocumentLink = parse(op.data.clone())?;
    if link.doc_type == DocumentType::Signature {
        return Err(rejected("data.type", "签名请在线签署授权书时提交", "Signatures go with the signed authorization"));
    }
    let app = application::Entity::find_by_id(link.application_id)
        .one(txn)
        .await?
        .filter(|app| may_read(principal, app))
        .ok_or_else(|| Failure::Rejected(ApiError::new(ErrorCode::NotFound)))?;
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    scope.ensure_documents_welcome().map_err(locked_is_conflict)?;
    check_member(txn, &scope, link.member_id).await?;
    // The upload may not have arrived yet: the op waits for it, in sequence.
    let upload = match crate::uploads::service::ready(state, principal, link.upload_id).await {
        Ok(Some(upload)) => upload,
        Ok(None) => return Err(Failure::Waiting("UPLOAD_NOT_FINISHED")),
        Err(err) if err.code() == ErrorCode::NotFound => return Err(Failure::Waiting("UPLOAD_NOT_FINISHED")),
        Err(err) => return Err(err.into()),
    };
    let key = upload.file_key.clone().ok_or_else(|| ApiError::internal("a finished upload without its file"))?;
    let bytes = state.storage.get(&key).await.map_err(ApiError::from)?;
    let new = NewDocument {
        id: op.entity_id,
        owner: scope.application.subject_account_id,
        doc_type: link.doc_type,
        bytes,
        accept: &DOCUMENT_KINDS,
        normalise: true,
    };
    let doc = documents::service::store(state, principal, new).await?;
    documents::service::attach(txn, &scope, &doc, link.doc_type, link.member_id).await?;
    upload::Entity::update_many()
        .col_expr(upload::Column::DocumentId, Expr::value(Some(doc.id)))
        .filter(upload::Column::Id.eq(upload.id))
        .exec(txn)
        .await?;
    let row = application::Entity::find_by_id(scope.application.id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("the application of a document vanished"))?;
    Ok(applied(&row))
}

fn applied(row: &application::Model) -> Applied {
    Applied { application_id: row.id, version: row.version, server: json!({ "status": row.status }) }
}

/// The application, if the caller may edit it and nobody else changed it since `base`.
async fn editable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    base: Option<i32>,
) -> Result<application::Model, Failure> {
    let app = application::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|app| may_read(principal, app))
        .ok_or_else(|| Failure::Rejected(ApiError::new(ErrorCode::NotFound)))?;
    let base = base.ok_or_else(|| {
        rejected("base_version", "请注明该操作所基于的申请版本", "Give the application version this op was made on")
    })?;
    if app.version == base || device.versions.get(&id) == Some(&app.version) {
        return Ok(app);
    }
    // Changes this device made itself since `base` are not a conflict.
    let own = sync_op::Entity::find()
        .filter(sync_op::Column::DeviceId.eq(device.id))
        .filter(sync_op::Column::ApplicationId.eq(id))
        .filter(sync_op::Column::Outcome.eq("applied"))
        .order_by_desc(sync_op::Column::Seq)
        .one(txn)
        .await?
        .and_then(|op| op.result.get("version").and_then(Value::as_i64));
    if own == Some(i64::from(app.version)) {
        return Ok(app);
    }
    Err(Failure::Conflict { code: "CHANGED_ON_SERVER", application: Some(Box::new(app)) })
}

/// A submitted application (the township took it over) is a conflict, not a mistake of the op.
fn locked_is_conflict(err: ApiError) -> Failure {
    if err.code() == ErrorCode::ApplicationLocked {
        Failure::Conflict { code: "APPLICATION_LOCKED", application: None }
    } else {
        err.into()
    }
}

fn object(data: &Value) -> Result<serde_json::Map<String, Value>, Failure> {
    data.as_object().cloned().ok_or_else(|| rejected("data", "data 应为 JSON 对象", "data must be a JSON object"))
}

fn without_version(data: &Value) -> Result<serde_json::Map<String, Value>, Failure> {
    let data = object(data)?;
    if data.contains_key("version") {
        return Err(rejected("data.version", "版本请填在 base_version 中", "Give the version as base_version"));
    }
    Ok(data)
}

fn parse<T: DeserializeOwned>(data: Value) -> Result<T, Failure> {
    serde_json::from_value(data).map_err(|err| {
        let text = err.to_string();
        Failure::Rejected(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "data",
            "INVALID_DATA",
            Message::new(format!("数据有误:{text}"), format!("Invalid data: {text}")),
        )]))
    })
}

fn rejected(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    Failure::Rejected(ApiError::validation(vec![FieldError::new(field, "REQUIRED", Message::new(zh, en))]))
}
