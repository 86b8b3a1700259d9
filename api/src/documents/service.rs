//! Documents: stored once through the storage interface (the file first, then its row, so a crash
//! leaves at worst an unreferenced file, never a row without its file), attached to applications,
//! kept in the applicant's wallet for reuse.

use chrono::{Datelike, Utc};
use entity::{application, application_document, document, household_member};
use imaging::phash;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::DOCUMENT_KINDS;
use super::model::{ContentSize, WalletDocumentOut, WalletOut};
use super::photos::Photos;
use super::sniff::{self, FileKind};
use crate::applications::model::{AttachmentOut, Changed};
use crate::applications::service::touch;
use crate::applications::{ScopedApplication, view};
use crate::blocking;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::infra::storage::Storage;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::{DocumentType, Principal};

/// A file to store, as received.
pub struct NewDocument<'a> {
    /// Made by the client, so a retry is recognised.
    pub id: Uuid,
    /// The resident whose wallet keeps it, if any.
    pub owner: Option<Uuid>,
    pub doc_type: DocumentType,
    pub bytes: Vec<u8>,
    /// The kinds accepted here (decided from the bytes).
    pub accept: &'a [FileKind],
    /// Photos go through the pipeline (normalised, checked); otherwise stored as sent.
    pub normalise: bool,
}

impl NewDocument<'static> {
    /// A document for `app`, as received: a signature is kept exactly as signed (a PNG with
    /// ink; the evidence of one authorization, not a wallet document for reuse); photos and PDFs
    /// are normalised where they can be and kept in the applicant's wallet.
    pub async fn for_application(
        id: Uuid,
        app: &application::Model,
        doc_type: DocumentType,
        bytes: Vec<u8>,
    ) -> Result<Self, ApiError> {
        let signature = doc_type == DocumentType::Signature;
        if signature {
            ensure_signed(&bytes).await?;
        }
        Ok(Self {
            id,
            owner: if signature { None } else { app.subject_account_id },
            doc_type,
            bytes,
            accept: if signature { &SIGNATURE_KINDS } else { &DOCUMENT_KINDS },
            normalise: !signature,
        })
    }
}

const SIGNATURE_KINDS: [FileKind; 1] = [FileKind::Png];

/// A drawn signature must have ink in it (an empty canvas is refused): a PNG with strokes on it,
/// decoded on the blocking pool; other bytes are left to the type check.
async fn ensure_signed(bytes: &[u8]) -> Result<(), ApiError> {
    if sniff::sniff(bytes) != Some(FileKind::Png) {
        // Not a PNG: refused by type when stored.
        return Ok(());
    }
    let png = bytes.to_vec();
    if blocking::run(move || imaging::ink::has_ink(&png)).await? {
        return Ok(());
    }
    Err(ApiError::validation(vec![FieldError::new(
        "file",
        FieldCode::SignatureEmpty,
        Message::new(
            "没有识别到签名笔迹,请在签名框内用手指写下姓名",
            "The signature is empty; sign with a finger inside the box",
        ),
    )]))
}

/// Stores a document. A retry with the same id and bytes returns the first one, and so does the
/// same file uploaded again for the same wallet (same type, same SHA-256 of what was sent).
///
/// Photos are decoded, checked and normalised first (see `imaging`): what is stored is the clean
/// copy (upright, at most 2048 px, JPEG, no metadata) and its thumbnail, never the original bytes.
pub async fn store(state: &AppState, by: &Principal, new: NewDocument<'_>) -> Result<document::Model, ApiError> {
    let NewDocument { id, owner, doc_type, bytes, accept, normalise } = new;
    let db = &state.db;
    let kind = match sniff::sniff(&bytes) {
        Some(kind) if accept.contains(&kind) => kind,
        _ if sniff::is_heic(&bytes) => return Err(heic_refused()),
        _ => return Err(ApiError::new(ErrorCode::FileTypeUnsupported)),
    };
    // Hashing megabytes is CPU work: off the async workers, like the rest of the pipeline.
    let (bytes, original_sha256) = blocking::run(move || {
        let sha = crate::hex::sha256(&bytes);
        (bytes, sha)
    })
    .await?;
    if let Some(existing) = document::Entity::find_by_id(id).one(db).await? {
        return if existing.original_sha256 == original_sha256 && existing.uploaded_by == by.account_id {
            Ok(existing)
        } else {
            Err(ApiError::new(ErrorCode::Conflict))
        };
    }
    let type_name = type_name(doc_type);
    let same_file = document::Entity::find()
        .filter(document::Column::OriginalSha256.eq(&original_sha256))
        .filter(document::Column::DocType.eq(&type_name));
    let same_file = match owner {
        Some(owner) => same_file.filter(document::Column::OwnerAccountId.eq(owner)),
        None => same_file
            .filter(document::Column::OwnerAccountId.is_null())
            .filter(document::Column::UploadedBy.eq(by.account_id)),
    };
    // A signature is the evidence of one act of signing: never shared between two.
    if doc_type != DocumentType::Signature
        && let Some(existing) = same_file.one(db).await?
    {
        return Ok(existing);
    }

    let now = Utc::now();
    let key = format!("documents/{}/{:02}/{}", now.year(), now.month(), Uuid::new_v4().as_hyphenated());
    let mut row = document::ActiveModel {
        id: Set(id),
        owner_account_id: Set(owner),
        uploaded_by: Set(by.account_id),
        doc_type: Set(type_name),
        storage_key: Set(key.clone()),
        original_sha256: Set(original_sha256.clone()),
        created_at: Set(now),
        thumbnail_key: Set(None),
        width: Set(None),
        height: Set(None),
        phash: Set(None),
        phash_b0: Set(None),
        phash_b1: Set(None),
        phash_b2: Set(None),
        phash_b3: Set(None),
        quality: Set(None),
        ..Default::default()
    };
    let (stored, stored_sha256, thumbnail) = match kind.raster().filter(|_| normalise) {
        Some(format) => {
            let photo = Photos::of(state).process(bytes, format, doc_type).await?;
            let hash = photo.phash.cast_signed();
            let [b0, b1, b2, b3] = phash::bands(photo.phash);
            row.content_type = Set("image/jpeg".to_owned());
            row.width = Set(i32::try_from(photo.width).ok());
            row.height = Set(i32::try_from(photo.height).ok());
            row.phash = Set(Some(hash));
            row.phash_b0 = Set(Some(b0));
            row.phash_b1 = Set(Some(b1));
            row.phash_b2 = Set(Some(b2));
            row.phash_b3 = Set(Some(b3));
            row.quality = Set(Some(serde_json::json!({ "measures": photo.measures, "failed": photo.failed })));
            row.thumbnail_key = Set(Some(format!("{key}-thumb")));
            (photo.stored, photo.stored_sha256, Some(photo.thumbnail))
        }
        None => {
            if kind == FileKind::Pdf && !sniff::pdf_is_complete(&bytes) {
                return Err(ApiError::new(ErrorCode::FileCorrupt));
            }
            row.content_type = Set(kind.content_type().to_owned());
            // Stored as sent: the same bytes, the same hash.
            (bytes, original_sha256, None)
        }
    };
    row.sha256 = Set(stored_sha256);
    row.byte_size = Set(i64::try_from(stored.len()).unwrap_or(i64::MAX));
    let storage = &state.storage;
    // The files first, then the row: a crash in between leaves at worst unreferenced files.
    storage.put(&key, stored).await?;
    if let Some(thumbnail) = thumbnail
        && let Err(err) = storage.put(&format!("{key}-thumb"), thumbnail).await
    {
        remove_files(storage, &key).await;
        return Err(err.into());
    }
    match row.insert(db).await {
        Ok(row) => Ok(row),
        Err(err) => {
            remove_files(storage, &key).await;
            Err(err.into())
        }
    }
}

async fn remove_files(storage: &Storage, key: &str) {
    for key in [key.to_owned(), format!("{key}-thumb")] {
        if let Err(cleanup) = storage.delete(&key).await {
            tracing::warn!(error = %cleanup, "an unreferenced upload stays in storage");
        }
    }
}

fn heic_refused() -> ApiError {
    ApiError::new(ErrorCode::FileTypeUnsupported).with_detail(Message::new(
        "暂不支持 HEIC 格式的照片。请在手机\u{201c}设置 → 相机 → 格式\u{201d}中选择\u{201c}兼容格式\u{201d}(兼容性最佳)后重新拍摄,或在相册中截图后上传。",
        "HEIC photos are not accepted yet. Set the camera format to \"Most Compatible\" and retake the photo, or upload a screenshot of it.",
    ))
}

/// The online command: attaches `doc` in a unit of work of its own; the near-duplicate check
/// reads other people's documents after the commit (a failure there is logged, and the reviewer
/// sees the flags of the next check).
pub async fn attach_command(
    state: &AppState,
    scope: &ScopedApplication,
    doc: &document::Model,
    doc_type: DocumentType,
    member_id: Option<Uuid>,
) -> Result<Attached, ApiError> {
    let mut uow = UnitOfWork::begin(&state.db).await?;
    let attached = attach_rows(uow.txn(), scope, doc, doc_type, member_id).await?;
    if attached.created {
        let (app, doc) = (scope.application().clone(), doc.clone());
        uow.after_commit(format!("documents.flags:{}", doc.id), move |state: &AppState| {
            Box::pin(async move { super::flags::check(&state.db, &app, &doc).await.map(|_| ()) })
        });
    }
    uow.commit(state).await?;
    Ok(attached)
}

/// Attaches `doc` in the offline sync batch's transaction (the op has a savepoint of its own),
/// the near-duplicate check in the same transaction.
pub async fn attach(
    db: &(impl ConnectionTrait + TransactionTrait),
    scope: &ScopedApplication,
    doc: &document::Model,
    doc_type: DocumentType,
    member_id: Option<Uuid>,
) -> Result<Attached, ApiError> {
    let attached = attach_rows(db, scope, doc, doc_type, member_id).await?;
    if attached.created {
        // Only photos have a perceptual hash (signatures and PDFs are stored as sent): no special case.
        super::flags::check(db, scope.application(), doc).await?;
    }
    Ok(attached)
}

/// Attaches `doc` to the draft as `doc_type` (for `member_id`), in the caller's transaction. An ID
/// photo replaces the earlier one of the same side for the same member: a retake, not a second
/// card.
async fn attach_rows(
    txn: &impl ConnectionTrait,
    scope: &ScopedApplication,
    doc: &document::Model,
    doc_type: DocumentType,
    member_id: Option<Uuid>,
) -> Result<Attached, ApiError> {
    scope.ensure_documents_welcome()?;
    let app = scope.application();
    check_member(txn, scope, member_id).await?;
    let type_name = type_name(doc_type);
    let existing = application_document::Entity::find_by_id((app.id, doc.id)).one(txn).await?;
    if let Some(existing) = existing {
        let out = Changed { record: attachment_out(existing, doc)?, application_version: app.version };
        return Ok(Attached { out, created: false });
    }
    if matches!(doc_type, DocumentType::IdCardFront | DocumentType::IdCardBack) {
        let mut replaced = application_document::Entity::delete_many()
            .filter(application_document::Column::ApplicationId.eq(app.id))
            .filter(application_document::Column::DocType.eq(type_name.as_str()));
        replaced = match member_id {
            Some(id) => replaced.filter(application_document::Column::MemberId.eq(id)),
            None => replaced.filter(application_document::Column::MemberId.is_null()),
        };
        replaced.exec(txn).await?;
    }
    let row = application_document::ActiveModel {
        application_id: Set(app.id),
        document_id: Set(doc.id),
        member_id: Set(member_id),
        doc_type: Set(type_name),
        attached_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    let touched = touch(txn, app).await?;
    let out = Changed { record: attachment_out(row, doc)?, application_version: touched.version };
    Ok(Attached { out, created: true })
}

/// A document on a draft, and whether this request attached it.
pub struct Attached {
    pub out: Changed<AttachmentOut>,
    pub created: bool,
}

/// The member a document is for must be one of the application's (checked before anything is stored).
pub async fn check_member(
    db: &impl ConnectionTrait,
    scope: &ScopedApplication,
    member_id: Option<Uuid>,
) -> Result<(), ApiError> {
    let Some(member_id) = member_id else { return Ok(()) };
    let member = household_member::Entity::find_by_id(member_id).one(db).await?;
    if member.is_none_or(|m| m.application_id != scope.application().id) {
        return Err(ApiError::validation(vec![FieldError::new(
            "member_id",
            FieldCode::MemberNotFound,
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
    let owner = scope.application().subject_account_id;
    document::Entity::find_by_id(document_id)
        .one(db)
        .await?
        .filter(|d| owner.is_some() && d.owner_account_id == owner)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Takes a document off a draft; the application as it is now.
pub async fn detach(
    state: &AppState,
    scope: &ScopedApplication,
    document_id: Uuid,
) -> Result<application::Model, ApiError> {
    scope.ensure_editable()?;
    // Only this application's authorizations: another person's signature must read as not
    // attached here (404 below), never tell that it exists.
    let signed = entity::authorization::Entity::find()
        .filter(entity::authorization::Column::ApplicationId.eq(scope.application().id))
        .filter(entity::authorization::Column::SignatureDocumentId.eq(document_id))
        .one(&state.db)
        .await?;
    if signed.is_some() {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
            "这张签名属于一份已签署的授权书,不能移除;如需更正,请撤回该授权。",
            "This signature belongs to a signed authorization; revoke the authorization instead.",
        )));
    }
    let uow = UnitOfWork::begin(&state.db).await?;
    let removed =
        application_document::Entity::delete_by_id((scope.application().id, document_id)).exec(uow.txn()).await?;
    if removed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let touched = touch(uow.txn(), scope.application()).await?;
    uow.commit(state).await?;
    Ok(touched)
}

/// A document attached to the application.
pub async fn attached(
    db: &DatabaseConnection,
    scope: &ScopedApplication,
    document_id: Uuid,
) -> Result<document::Model, ApiError> {
    application_document::Entity::find_by_id((scope.application().id, document_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    document::Entity::find_by_id(document_id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// A document of the resident's own wallet.
pub async fn owned(db: &DatabaseConnection, owner: Uuid, document_id: Uuid) -> Result<document::Model, ApiError> {
    document::Entity::find_by_id(document_id)
        .one(db)
        .await?
        .filter(|d| d.owner_account_id == Some(owner))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// The bytes of a document (or of its thumbnail), with their content type.
pub async fn content(
    storage: &Storage,
    doc: &document::Model,
    size: ContentSize,
) -> Result<(String, Vec<u8>), ApiError> {
    match size {
        ContentSize::Full => Ok((doc.content_type.clone(), storage.get(&doc.storage_key).await?)),
        ContentSize::Thumbnail => {
            let key = doc.thumbnail_key.as_deref().ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound).with_detail(Message::new(
                    "该材料没有缩略图(不是照片)。",
                    "This document has no thumbnail (not a photo).",
                ))
            })?;
            Ok(("image/jpeg".to_owned(), storage.get(key).await?))
        }
    }
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
                width: d.width,
                height: d.height,
                thumbnail: d.thumbnail_key.is_some(),
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
