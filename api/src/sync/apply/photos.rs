//! Photos taken (and signatures drawn) offline: a finished resumable upload becomes a document of
//! an application.

use entity::upload;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{Applied, Device, Failure, applied_to, locked_is_conflict, readable};
use crate::documents;
use crate::documents::service::{NewDocument, check_member};
use crate::error::{ApiError, ErrorCode, OpCode};
use crate::state::AppState;
use crate::sync::commands::DocumentIn;
use crate::vocab::Principal;

/// The caller's finished upload and its bytes. The op waits while the upload is unfinished (the
/// phone may push before its photos are through); an upload never created (or expired, or
/// another account's) will never come, and the op is refused.
pub async fn uploaded(state: &AppState, principal: &Principal, id: Uuid) -> Result<(upload::Model, Vec<u8>), Failure> {
    let upload = match crate::uploads::service::ready(state, principal, id).await {
        Ok(Some(upload)) => upload,
        Ok(None) => return Err(Failure::Waiting(OpCode::UploadNotFinished)),
        Err(err) if err.code() == ErrorCode::NotFound => {
            return Err(Failure::Rejected(ApiError::new(ErrorCode::UploadNotFound)));
        }
        Err(err) => return Err(err.into()),
    };
    let key = upload.file_key.clone().ok_or_else(|| ApiError::internal("a finished upload without its file"))?;
    let bytes = state.storage.get(&key).await.map_err(ApiError::from)?;
    Ok((upload, bytes))
}

/// Marks the upload as made into `what` (kept past its expiry from now on).
pub async fn linked(txn: &DatabaseTransaction, upload: &upload::Model, what: Uuid) -> Result<(), Failure> {
    upload::Entity::update_many()
        .col_expr(upload::Column::LinkedTo, Expr::value(Some(what)))
        .filter(upload::Column::Id.eq(upload.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Links a finished upload to the application as a document (`id`, the op's `entity_id`, is the
/// document's id): through the image pipeline, then attached, like an online upload.
pub async fn link_document(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    link: DocumentIn,
) -> Result<Applied, Failure> {
    let scope = readable(txn, principal, device, link.application_id).await?;
    scope.ensure_documents_welcome().map_err(locked_is_conflict)?;
    check_member(txn, &scope, link.member_id).await?;
    let (upload, bytes) = uploaded(state, principal, link.upload_id).await?;
    let new = NewDocument::for_application(id, scope.application(), link.doc_type, bytes).await?;
    let doc = documents::service::store(state, principal, new).await?;
    documents::service::attach(txn, &scope, &doc, link.doc_type, link.member_id).await?;
    linked(txn, &upload, doc.id).await?;
    applied_to(txn, link.application_id).await
}
