use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, get, post};
use uuid::Uuid;

use super::model::{ContentQuery, ReuseIn, UploadForm, WalletOut};
use super::service::{self, NewDocument};
use crate::applications::ScopedApplication;
use crate::applications::model::{AttachmentOut, Changed, RemovedOut};
use crate::auth::principal::{Authorized, ResidentOnly};
use crate::error::{ApiError, FieldCode, FieldError, Message, Problem};
use crate::http::{JsonBody, Query, multipart};
use crate::state::SharedState;
use crate::vocab::DocumentType;

/// Upload a document photo (or PDF) to a draft, as `multipart/form-data` the way `wx.uploadFile`
/// sends it: the file in field `file`, and `type`, optional `member_id` and `id` as form fields.
/// The format is decided from the bytes (JPEG, PNG, WebP, PDF; HEIC gets a 415 saying to switch
/// the camera to "兼容格式"). A resident's uploads also go to their wallet.
///
/// Photos are checked before anything is stored: size and dimensions from the header (no decode
/// of a decompression bomb), then decoded under memory limits, turned upright (EXIF), stripped of
/// all metadata (GPS included), stored at most 2048 px on the long side as JPEG with a 320 px
/// thumbnail, fingerprinted (SHA-256 of original and stored bytes, perceptual hash). Quality
/// checks (`IMAGE_TOO_SMALL`, `IMAGE_BLURRY`, `IMAGE_TOO_DARK`, `IMAGE_OVEREXPOSED`,
/// `FACE_NOT_FOUND` for ID portraits and selfies) either refuse the upload (422 with that code,
/// every failing check in `errors` with how to retake it; ID photos by default) or come back as
/// `warnings`. The same file uploaded again for the same wallet returns the document stored
/// before. A handwritten signature (`type=signature`) is the canvas PNG, must show strokes, and is
/// kept exactly as signed.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored and attached; `application_version` is the application's new version", body = Changed<AttachmentOut>),
        (status = 200, description = "The same upload came before", body = Changed<AttachmentOut>),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`), or the id was used for other bytes", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `storage.max_upload_bytes`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a JPEG, PNG, WebP or PDF (HEIC included), or a signature that is not a PNG (`FILE_TYPE_UNSUPPORTED`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad form field, an unknown member (`MEMBER_NOT_FOUND`), an empty signature (`SIGNATURE_EMPTY`), a damaged or cut-off file (`FILE_CORRUPT`), a picture over the size limit or needing more memory than one photo may have (`IMAGE_TOO_LARGE`), or a photo refused by a quality check (`IMAGE_TOO_SMALL`, `IMAGE_BLURRY`, `IMAGE_TOO_DARK`, `IMAGE_OVEREXPOSED`, `FACE_NOT_FOUND`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many photos in processing, or their memory budget taken (`UPLOAD_BUSY`); retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/documents")]
pub async fn upload_document(
    state: SharedState,
    scope: ScopedApplication,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    scope.ensure_documents_welcome()?;
    let form = read_form(form, state.settings.storage.max_upload_bytes).await?;
    service::check_member(&state.db, &scope, form.member_id).await?;
    let id = form.id.unwrap_or_else(Uuid::now_v7);
    let new = NewDocument::for_application(id, scope.application(), form.doc_type, form.file).await?;
    let doc = service::store(&state, scope.principal(), new).await?;
    attached(service::attach_command(&state, &scope, &doc, form.doc_type, form.member_id).await?)
}

/// Attach a document from the applicant's wallet (e.g. the ID photos of an earlier application)
/// instead of uploading it again.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = ReuseIn,
    responses(
        (status = 201, description = "Attached; `application_version` is the application's new version", body = Changed<AttachmentOut>),
        (status = 200, description = "Attached before", body = Changed<AttachmentOut>),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or the document is not in the applicant's wallet", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/attachments")]
pub async fn reuse_document(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<ReuseIn>,
) -> Result<HttpResponse, ApiError> {
    let doc = service::from_wallet(&state.db, &scope, body.0.document_id).await?;
    attached(service::attach_command(&state, &scope, &doc, body.0.r#type, body.0.member_id).await?)
}

/// Take a document off a draft (it stays in the wallet).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("document_id" = Uuid, Path, description = "The document")),
    responses(
        (status = 200, description = "Detached; the application's new version", body = RemovedOut),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not attached, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/api/v1/applications/{id}/documents/{document_id}")]
pub async fn detach_document(
    state: SharedState,
    scope: ScopedApplication,
    path: actix_web::web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let application = service::detach(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok().json(RemovedOut { application_version: application.version }))
}

/// The bytes of a document of the application (signatures included), or the 320 px thumbnail of
/// a photo (`?size=thumbnail`), for whoever may read the application: the applicant, the helpers
/// of its community, reviewers and supervisors of its region. Staff reads are audited. Served
/// `Cache-Control: private, no-store` with `X-Content-Type-Options: nosniff`.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("document_id" = Uuid, Path, description = "The document"), ContentQuery),
    responses(
        (status = 200, description = "The file: `image/jpeg` for photos, `image/png` for signatures, `application/pdf`", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "An unknown `size`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A platform administrator (`ADMIN_NOT_CASE_WORKER`): not case work", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not attached, not the caller's, or no thumbnail (not a photo)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications/{id}/documents/{document_id}/content")]
pub async fn get_document_content(
    state: SharedState,
    scope: ScopedApplication,
    path: actix_web::web::Path<(Uuid, Uuid)>,
    query: Query<ContentQuery>,
) -> Result<HttpResponse, ApiError> {
    let doc = service::attached(&state.db, &scope, path.1).await?;
    let (content_type, bytes) = service::content(&state.storage, &doc, query.size.unwrap_or_default()).await?;
    scope.audit_staff_read(&state.db, "document.read", ("document", path.1)).await?;
    Ok(file_response(content_type, bytes))
}

/// A document of the caller's own wallet, or its thumbnail (`?size=thumbnail`).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("document_id" = Uuid, Path, description = "The document"), ContentQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 403, description = "Not a resident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the caller's wallet, or no thumbnail", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/me/documents/{document_id}/content")]
pub async fn get_wallet_content(
    state: SharedState,
    caller: Authorized<ResidentOnly>,
    path: actix_web::web::Path<Uuid>,
    query: Query<ContentQuery>,
) -> Result<HttpResponse, ApiError> {
    let doc = service::owned(&state.db, caller.principal.account_id, path.into_inner()).await?;
    let (content_type, bytes) = service::content(&state.storage, &doc, query.size.unwrap_or_default()).await?;
    Ok(file_response(content_type, bytes))
}

pub fn file_response(content_type: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes)
}

/// The caller's document wallet: what they uploaded before, to attach again.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The wallet, newest first", body = WalletOut),
        (status = 403, description = "Not a resident", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/me/documents")]
pub async fn get_wallet(
    state: SharedState,
    caller: Authorized<ResidentOnly>,
) -> Result<actix_web::web::Json<WalletOut>, ApiError> {
    Ok(actix_web::web::Json(service::wallet(&state.db, caller.principal.account_id).await?))
}

struct Form {
    file: Vec<u8>,
    doc_type: DocumentType,
    member_id: Option<Uuid>,
    id: Option<Uuid>,
}

/// Reads the form: the file up to `max` bytes (413 beyond), small text fields, every mistake at once.
async fn read_form(form: Multipart, max: usize) -> Result<Form, ApiError> {
    let parts = multipart::read(form, max, 64).await?;
    let doc_type = parts
        .text("type")
        .map(|t| serde_json::from_value::<DocumentType>(serde_json::Value::String(t.to_owned())).ok());
    let member_id = parts.text("member_id").map(|t| Uuid::parse_str(t).ok());
    let id = parts.text("id").map(|t| Uuid::parse_str(t).ok());
    let mut errors = Vec::new();
    let field_error = |field: &str, zh: &str, en: &str| {
        FieldError::new(field.to_owned(), FieldCode::InvalidValue, Message::new(zh.to_owned(), en.to_owned()))
    };
    if parts.file.as_ref().is_none_or(Vec::is_empty) {
        errors.push(field_error("file", "请选择要上传的照片或文件", "Attach the photo or file in field `file`"));
    }
    if !matches!(doc_type, Some(Some(_))) {
        errors.push(field_error(
            "type",
            "请选择材料类型(如身份证人像面)",
            "Give the document `type`, e.g. id_card_front",
        ));
    }
    if matches!(member_id, Some(None)) {
        errors.push(field_error("member_id", "家庭成员编号格式不对", "member_id must be a UUID"));
    }
    if matches!(id, Some(None)) {
        errors.push(field_error("id", "材料编号格式不对", "id must be a UUID"));
    }
    match (parts.file, doc_type) {
        (Some(file), Some(Some(doc_type))) if errors.is_empty() => {
            Ok(Form { file, doc_type, member_id: member_id.flatten(), id: id.flatten() })
        }
        _ => Err(ApiError::validation(errors)),
    }
}

/// 201 for a document attached by this request, 200 for one attached before.
fn attached(attached: service::Attached) -> Result<HttpResponse, ApiError> {
    let mut answer = if attached.created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(answer.json(attached.out))
}
