//! Resumable uploads: create with the file's length and SHA-256, append chunks at the offset
//! reached, put the file together when the last chunk arrives. Every chunk is a storage object
//! of its own (so any node can take the next one) and the offset advances by a guarded update,
//! so two copies of one chunk cannot both land. A file whose bytes do not match its SHA-256 is
//! refused and the upload starts over; unfinished or unlinked uploads expire.

use chrono::{DateTime, Duration, Utc};
use entity::{upload, upload_chunk};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode, Message};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;

pub const OPEN: &str = "open";
pub const COMPLETE: &str = "complete";

/// A new upload as declared by the phone.
pub struct NewUpload {
    pub id: Option<Uuid>,
    pub length: i64,
    /// Hex SHA-256 of the whole file.
    pub sha256: String,
}

/// Creates the upload, or finds the same one created before (a retried creation).
pub async fn create(state: &AppState, by: &Principal, new: NewUpload) -> Result<(upload::Model, bool), ApiError> {
    let max = i64::try_from(state.settings.storage.max_upload_bytes).unwrap_or(i64::MAX);
    if new.length < 1 || new.length > max {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_detail(Message::new(
            format!("文件大小应在 1 字节到 {} MB 之间", max / 1024 / 1024),
            format!("The file must be 1 byte to {} MB", max / 1024 / 1024),
        )));
    }
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    if let Some(existing) = upload::Entity::find_by_id(id).one(&state.db).await? {
        return if existing.account_id == by.account_id && existing.length == new.length && existing.sha256 == new.sha256
        {
            Ok((existing, false))
        } else {
            Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
                "该上传编号已用于另一个文件,请为新文件生成新编号。",
                "This upload id is taken by another file; make a new id for a new file.",
            )))
        };
    }
    let now = Utc::now();
    let row = upload::ActiveModel {
        id: Set(id),
        account_id: Set(by.account_id),
        length: Set(new.length),
        sha256: Set(new.sha256),
        offset: Set(0),
        status: Set(OPEN.to_owned()),
        file_key: Set(None),
        linked_to: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        expires_at: Set(now + expiry(state)),
    };
    Ok((row.insert(&state.db).await?, true))
}

fn expiry(state: &AppState) -> Duration {
    Duration::hours(i64::from(state.settings.sync.upload_expiry_hours))
}

/// The caller's upload; anyone else's is not found.
pub async fn find(db: &impl ConnectionTrait, by: &Principal, id: Uuid) -> Result<upload::Model, ApiError> {
    upload::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.account_id == by.account_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Appends `bytes` at `offset`; when the file is whole, puts it together and checks it.
pub async fn append(
    state: &AppState,
    by: &Principal,
    id: Uuid,
    offset: i64,
    bytes: Vec<u8>,
) -> Result<upload::Model, ApiError> {
    let upload = find(&state.db, by, id).await?;
    if upload.offset != offset {
        return Err(mismatch(&upload));
    }
    if bytes.is_empty() || upload.status == COMPLETE {
        return Ok(upload);
    }
    let length = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if offset + length > upload.length {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_detail(Message::new(
            "本次发送的内容超出了创建上传时声明的文件大小。",
            "This chunk goes past the length declared when the upload was created.",
        )));
    }
    let key = format!("uploads/{id}/{offset}-{}", Uuid::new_v4().simple());
    state.storage.put(&key, bytes).await?;
    let now = Utc::now();
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let moved = upload::Entity::update_many()
        .col_expr(upload::Column::Offset, Expr::value(offset + length))
        .col_expr(upload::Column::UpdatedAt, Expr::value(now))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Offset.eq(offset))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        // Another copy of this chunk got there first.
        drop(uow);
        forget(state, &key).await;
        return Err(mismatch(&find(&state.db, by, id).await?));
    }
    upload_chunk::Entity::insert(upload_chunk::ActiveModel {
        upload_id: Set(id),
        offset: Set(offset),
        length: Set(length),
        storage_key: Set(key),
    })
    .exec_without_returning(txn)
    .await?;
    uow.commit(state).await?;
    if offset + length < upload.length {
        return find(&state.db, by, id).await;
    }
    finish(state, by, id).await
}

/// Puts the chunks together, checks the SHA-256 and keeps the file; on a mismatch the upload
/// starts over.
async fn finish(state: &AppState, by: &Principal, id: Uuid) -> Result<upload::Model, ApiError> {
    let upload = find(&state.db, by, id).await?;
    let chunks = upload_chunk::Entity::find()
        .filter(upload_chunk::Column::UploadId.eq(id))
        .order_by_asc(upload_chunk::Column::Offset)
        .all(&state.db)
        .await?;
    let mut file = Vec::with_capacity(usize::try_from(upload.length).unwrap_or(0));
    for chunk in &chunks {
        file.extend(state.storage.get(&chunk.storage_key).await?);
    }
    let (file, sha) = crate::blocking::run(move || {
        let sha = crate::hex::sha256(&file);
        (file, sha)
    })
    .await?;
    let whole = i64::try_from(file.len()).unwrap_or(-1) == upload.length && sha == upload.sha256;
    let key = format!("uploads/{id}/file");
    if whole {
        state.storage.put(&key, file).await?;
    }
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    upload_chunk::Entity::delete_many().filter(upload_chunk::Column::UploadId.eq(id)).exec(txn).await?;
    let mut row: upload::ActiveModel = upload.into();
    row.updated_at = Set(Utc::now());
    if whole {
        row.status = Set(COMPLETE.to_owned());
        row.file_key = Set(Some(key));
    } else {
        row.offset = Set(0);
    }
    let row = row.update(txn).await?;
    uow.commit(state).await?;
    for chunk in chunks {
        forget(state, &chunk.storage_key).await;
    }
    if !whole {
        return Err(ApiError::new(ErrorCode::UploadChecksumMismatch).with_current(json!({ "offset": 0 })));
    }
    Ok(row)
}

/// The caller's upload if its whole file is there (put together now if the last chunk arrived
/// but the server stopped before finishing); `None` while bytes are missing.
pub async fn ready(state: &AppState, by: &Principal, id: Uuid) -> Result<Option<upload::Model>, ApiError> {
    let upload = find(&state.db, by, id).await?;
    Ok(match upload.status.as_str() {
        COMPLETE => Some(upload),
        _ if upload.offset == upload.length => Some(finish(state, by, id).await?),
        _ => None,
    })
}

fn mismatch(upload: &upload::Model) -> ApiError {
    ApiError::new(ErrorCode::UploadOffsetMismatch).with_current(json!({ "offset": upload.offset }))
}

async fn forget(state: &AppState, key: &str) {
    if let Err(err) = state.storage.delete(key).await {
        tracing::warn!(error = %err, "an unreferenced upload chunk stays in storage");
    }
}

/// Deletes uploads past their expiry that no pushed operation linked, with their files.
pub async fn expire(state: &AppState, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let stale = upload::Entity::find()
        .filter(upload::Column::ExpiresAt.lt(now))
        .filter(upload::Column::LinkedTo.is_null())
        .all(&state.db)
        .await?;
    let mut deleted = 0;
    for upload in stale {
        let chunks =
            upload_chunk::Entity::find().filter(upload_chunk::Column::UploadId.eq(upload.id)).all(&state.db).await?;
        let uow = UnitOfWork::begin(&state.db).await?;
        let txn = uow.txn();
        upload_chunk::Entity::delete_many().filter(upload_chunk::Column::UploadId.eq(upload.id)).exec(txn).await?;
        let gone = upload::Entity::delete_many()
            .filter(upload::Column::Id.eq(upload.id))
            .filter(upload::Column::LinkedTo.is_null())
            .exec(txn)
            .await?;
        uow.commit(state).await?;
        for key in chunks.iter().map(|c| c.storage_key.as_str()).chain(upload.file_key.as_deref()) {
            forget(state, key).await;
        }
        deleted += gone.rows_affected;
    }
    Ok(deleted)
}
