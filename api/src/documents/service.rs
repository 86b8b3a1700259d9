//! Documents: stored once through the storage interface (the file first, then its row, so a crash
//! leaves at worst an unreferenced file, never a row without its file), attached to applications,
//! kept in the applicant's wallet for reuse.

use chrono::{Datelike, Utc};
use entity::{application_document, document, household_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::model::{WalletDocumentOut, WalletOut};
use super::sniff::{self, FileKind};
use crate::applications::ScopedApplication;
use crate::applications::model::AttachmentOut;
use crate::applications::service::touch;
use crate::applications::view;
use crate::auth::principal::Principal;
use crate::catalog::model::DocumentType;
use crate::error::{ApiError, ErrorCode, FieldError, Message};
use crate::infra::storage::Storage;

/// A file to store, as received.
pub struct NewDocument<'a> {
    /// Made by the client, so a retry is recognised.
    pub id: Uuid,
    /// The resident whose wallet keeps it, if any.
    pub owner: Option<Uuid>,
    pub doc_type: &'a str,
    pub bytes: Vec<u8>,
    /// The kinds accepted here (decided from the bytes).
    pub accept: &'a [FileKind],
}

/// Stores a document; a retry with the same id and bytes returns the first one.
pub async fn store(
    db: &DatabaseConnection,
    storage: &Storage,
    by: &Principal,
    new: NewDocument<'_>,
) -> Result<document::Model, ApiError> {
    let NewDocument { id, owner, doc_type, bytes, accept } = new;
    let kind = sniff::sniff(&bytes)
        .filter(|k| accept.contains(k))
        .ok_or_else(|| ApiError::new(ErrorCode::FileTypeUnsupported))?;
    let sha256 = crate::hex::sha256(&bytes);
    if let Some(existing) = document::Entity::find_by_id(id).one(db).await? {
        return if existing.sha256 == sha256 && existing.uploaded_by == by.account_id {
            Ok(existing)
        } else {
            Err(ApiError::new(ErrorCode::Conflict))
        };
    }
    let now = Utc::now();
    let key = format!("documents/{}/{:02}/{}", now.year(), now.month(), id.as_hyphenated());
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    storage.put(&key, bytes).await?;
    let row = document::ActiveModel {
        id: Set(id),
        owner_account_id: Set(owner),
        uploaded_by: Set(by.account_id),
        doc_type: Set(doc_type.to_owned()),
        storage_key: Set(key.clone()),
        content_type: Set(kind.content_type().to_owned()),
        byte_size: Set(size),
        sha256: Set(sha256),
        created_at: Set(now),
    }
    .insert(db)
    .await;
    match row {
        Ok(row) => Ok(row),
        Err(err) => {
            if let Err(cleanup) = storage.delete(&key).await {
                tracing::warn!(error = %cleanup, "an unreferenced upload stays in storage");
            }
            Err(err.into())
        }
    }
}

/// Attaches `doc` to the draft as `doc_type` (for `member_id`). An ID photo replaces the earlier
/// one of the same side for the same member: a retake, not a second card.
pub async fn attach(
    db: &DatabaseConnection,
    scope: &ScopedApplication,
    doc: &document::Model,
    doc_type: DocumentType,
    member_id: Option<Uuid>,
) -> Result<(AttachmentOut, bool), ApiError> {
    scope.ensure_editable()?;
    let app = &scope.application;
    check_member(db, scope, member_id).await?;
    let type_name = type_name(doc_type);
    let existing = application_document::Entity::find_by_id((app.id, doc.id)).one(db).await?;
    if let Some(existing) = existing {
        return Ok((attachment_out(existing, doc)?, false));
    }
    let txn = db.begin().await?;
    if matches!(doc_type, DocumentType::IdCardFront | DocumentType::IdCardBack) {
        let mut replaced = application_document::Entity::delete_many()
            .filter(application_document::Column::ApplicationId.eq(app.id))
            .filter(application_document::Column::DocType.eq(type_name.as_str()));
        replaced = match member_id {
            Some(id) => replaced.filter(application_document::Column::MemberId.eq(id)),
            None => replaced.filter(application_document::Column::MemberId.is_null()),
        };
        replaced.exec(&txn).await?;
    }
    let row = application_document::ActiveModel {
        application_id: Set(app.id),
        document_id: Set(doc.id),
        member_id: Set(member_id),
        doc_type: Set(type_name),
        attached_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    touch(&txn, app).await?;
    txn.commit().await?;
    Ok((attachment_out(row, doc)?, true))
}

/// The member a document is for must be one of the application's (checked before anything is stored).
pub async fn check_member(
    db: &DatabaseConnection,
    scope: &ScopedApplication,
    member_id: Option<Uuid>,
) -> Result<(), ApiError> {
    let Some(member_id) = member_id else { return Ok(()) };
    let member = household_member::Entity::find_by_id(member_id).one(db).await?;
    if member.is_none_or(|m| m.application_id != scope.application.id) {
        return Err(ApiError::validation(vec![FieldError::new(
            "member_id",
            "MEMBER_NOT_FOUND",
            Message::new("请先添加该家庭成员,再上传其材料", "Add this member before attaching their documents"),
        )]));
    }
    Ok(())
}

/// A document of the applicant's wallet, for reuse on this application.
pub async fn from_wallet(
    db: &DatabaseConnection,
    scope: &ScopedApplication,
    document_id: Uuid,
) -> Result<document::Model, ApiError> {
    let owner = scope.application.subject_account_id;
    document::Entity::find_by_id(document_id)
        .one(db)
        .await?
        .filter(|d| owner.is_some() && d.owner_account_id == owner)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

pub async fn detach(db: &DatabaseConnection, scope: &ScopedApplication, document_id: Uuid) -> Result<(), ApiError> {
    scope.ensure_editable()?;
    let signed = entity::authorization::Entity::find()
        .filter(entity::authorization::Column::SignatureDocumentId.eq(document_id))
        .one(db)
        .await?;
    if signed.is_some() {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
            "这张签名属于一份已签署的授权书,不能移除;如需更正,请撤回该授权。",
            "This signature belongs to a signed authorization; revoke the authorization instead.",
        )));
    }
    let txn = db.begin().await?;
    let removed = application_document::Entity::delete_by_id((scope.application.id, document_id)).exec(&txn).await?;
    if removed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    touch(&txn, &scope.application).await?;
    txn.commit().await?;
    Ok(())
}

/// The bytes of a document attached to the application, with its type.
pub async fn content(
    db: &DatabaseConnection,
    storage: &Storage,
    scope: &ScopedApplication,
    document_id: Uuid,
) -> Result<(String, Vec<u8>), ApiError> {
    application_document::Entity::find_by_id((scope.application.id, document_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let doc =
        document::Entity::find_by_id(document_id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok((doc.content_type, storage.get(&doc.storage_key).await?))
}

/// A resident's wallet, newest first.
pub async fn wallet(db: &DatabaseConnection, owner: Uuid) -> Result<WalletOut, ApiError> {
    let rows = document::Entity::find()
        .filter(document::Column::OwnerAccountId.eq(owner))
        .order_by_desc(document::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(WalletOut {
        items: rows
            .into_iter()
            .map(|d| WalletDocumentOut {
                id: d.id,
                r#type: d.doc_type,
                content_type: d.content_type,
                byte_size: d.byte_size,
                sha256: d.sha256,
                created_at: d.created_at,
            })
            .collect(),
    })
}

pub fn type_name(doc_type: DocumentType) -> String {
    serde_json::to_value(doc_type).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn attachment_out(row: application_document::Model, doc: &document::Model) -> Result<AttachmentOut, ApiError> {
    view::attachment_out(row, doc).ok_or_else(|| ApiError::internal("an attachment of an unknown type"))
}
