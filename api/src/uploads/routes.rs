//! The tus subset: `POST /api/v1/uploads` (create, with `Upload-Length` and `Upload-Checksum`),
//! `HEAD` for the offset reached, `PATCH` (or `POST` with `X-HTTP-Method-Override: PATCH`, for
//! clients that cannot send PATCH) to append a chunk at `Upload-Offset`.

use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::{HttpRequest, HttpResponse, head, patch, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use entity::upload;
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::service::{self, COMPLETE, NewUpload};
use crate::auth::principal::{Applicants, Authorized};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, Problem};
use crate::state::SharedState;
use crate::vocab::Principal;

pub const TUS_VERSION: &str = "1.0.0";
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const METHOD_OVERRIDE: HeaderName = HeaderName::from_static("x-http-method-override");
const CHUNK_TYPE: &str = "application/offset+octet-stream";

/// An upload's standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadOut {
    pub id: Uuid,
    /// The whole file's length in bytes.
    pub length: i64,
    /// Bytes received so far: send the next chunk from here.
    pub offset: i64,
    /// The whole file arrived and matched its SHA-256: a pushed operation may link it.
    pub complete: bool,
    /// Unfinished, or finished and not linked by then, it is deleted.
    pub expires_at: DateTime<Utc>,
}

impl From<&upload::Model> for UploadOut {
    fn from(u: &upload::Model) -> Self {
        Self { id: u.id, length: u.length, offset: u.offset, complete: u.status == COMPLETE, expires_at: u.expires_at }
    }
}

/// 400 `INVALID_HEADER`: the detail names the header and what it takes; `errors[0].field` is it.
fn bad_header(name: &'static str, zh: &'static str, en: &'static str) -> ApiError {
    ApiError::new(ErrorCode::InvalidHeader)
        .with_detail(Message::new(format!("{name}:{zh}"), format!("{name}: {en}")))
        .with_errors(vec![FieldError::new(name, FieldCode::InvalidHeader, Message::new(zh, en))])
}

fn number(headers: &HeaderMap, name: &HeaderName, label: &'static str) -> Result<i64, ApiError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| bad_header(label, "请用非负整数给出该请求头", "Give this header as a non-negative integer"))
}

/// `Upload-Checksum: sha256 <digest>`, the 32-byte digest in base64 (tus) or as 64 hex digits
/// (what WeChat's `getFileInfo` gives), returned as lower-case hex. The two cannot be confused:
/// 64 characters of base64 are 48 bytes.
fn checksum(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(UPLOAD_CHECKSUM)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("sha256 "))
        .map(str::trim)
        .and_then(|digest| match digest.len() {
            64 => crate::hex::decode(digest),
            _ => STANDARD.decode(digest).ok(),
        })
        .filter(|digest| digest.len() == 32)
        .map(|digest| crate::hex::encode(&digest))
        .ok_or_else(|| {
            bad_header(
                "Upload-Checksum",
                "请用 \u{201c}sha256 <整个文件 SHA-256 的 Base64 或 64 位十六进制>\u{201d} 给出校验值",
                "Give `sha256 <the whole file's SHA-256 in base64, or as 64 hex digits>`",
            )
        })
}

/// The client-made id from `Upload-Metadata: id <base64 of the UUID>`, if given.
fn client_id(headers: &HeaderMap) -> Result<Option<Uuid>, ApiError> {
    let Some(raw) = headers.get(UPLOAD_METADATA) else {
        return Ok(None);
    };
    let refused = || bad_header("Upload-Metadata", "id 应为 UUID 的 Base64 编码", "`id` must be the base64 of a UUID");
    let raw = raw.to_str().map_err(|_| refused())?;
    for pair in raw.split(',') {
        let mut parts = pair.trim().splitn(2, ' ');
        if parts.next() == Some("id") {
            let value = parts.next().and_then(|v| STANDARD.decode(v.trim()).ok()).ok_or_else(refused)?;
            let text = String::from_utf8(value).map_err(|_| refused())?;
            return Uuid::parse_str(&text).map(Some).map_err(|_| refused());
        }
    }
    Ok(None)
}

fn standing(mut response: actix_web::HttpResponseBuilder, u: &upload::Model) -> actix_web::HttpResponseBuilder {
    response
        .insert_header((TUS_RESUMABLE, TUS_VERSION))
        .insert_header((UPLOAD_OFFSET, u.offset))
        .insert_header((UPLOAD_LENGTH, u.length))
        .insert_header((UPLOAD_EXPIRES, u.expires_at.to_rfc2822()))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// Create a resumable upload for a photo taken offline: `Upload-Length` (bytes, at most
/// `storage.max_upload_bytes`), `Upload-Checksum: sha256 <digest>` of the whole file (base64 as
/// tus has it, or 64 hex digits as WeChat's `getFileInfo` gives it), and
/// optionally `Upload-Metadata: id <base64 of a UUID>` to choose its id (a retried creation
/// with the same id, length and checksum answers 200). Then send the bytes with `PATCH`.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(
        ("Upload-Length" = i64, Header, description = "The whole file's length in bytes"),
        ("Upload-Checksum" = String, Header, description = "`sha256 <the whole file's SHA-256 in base64, or as 64 hex digits>`"),
        ("Upload-Metadata" = Option<String>, Header, description = "`id <base64 of a UUID>`: the upload's id, made by the phone"),
    ),
    responses(
        (status = 201, description = "Created; `Location` names it", body = UploadOut),
        (status = 200, description = "Created before with the same id, length and checksum", body = UploadOut),
        (status = 400, description = "A missing or malformed `Upload-Length`, `Upload-Checksum` or `Upload-Metadata` (`INVALID_HEADER`: the detail and `errors[0].field` name the header and what it takes)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a resident or helper", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id is another file's (`CONFLICT`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Empty, or longer than `storage.max_upload_bytes`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/uploads")]
pub async fn create_upload(
    state: SharedState,
    caller: Authorized<Applicants>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    let new = NewUpload {
        id: client_id(headers)?,
        length: number(headers, &UPLOAD_LENGTH, "Upload-Length")?,
        sha256: checksum(headers)?,
    };
    let (upload, created) = service::create(&state, &caller.principal, new).await?;
    let builder = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    let mut builder = standing(builder, &upload);
    builder.insert_header((header::LOCATION, format!("/api/v1/uploads/{}", upload.id)));
    Ok(builder.json(UploadOut::from(&upload)))
}

/// Where an upload stands: `Upload-Offset` is where to continue (after a cut connection).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The upload")),
    responses(
        (status = 200, description = "`Upload-Offset`, `Upload-Length` and `Upload-Expires` headers; no body"),
        (status = 400, description = "Not an upload id (`INVALID_PATH`)"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a resident or helper"),
        (status = 404, description = "No such upload of the caller's"),
    ),
)]
#[head("/api/v1/uploads/{id}")]
pub async fn upload_offset(
    state: SharedState,
    caller: Authorized<Applicants>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let upload = service::find(&state.db, &caller.principal, id.into_inner()).await?;
    Ok(standing(HttpResponse::Ok(), &upload).finish())
}

/// What appending a chunk answers, by `PATCH` or by `POST` with the override alike.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum ChunkAnswers {
    #[response(
        status = 204,
        description = "Appended; `Upload-Offset` is the new offset (equal to `Upload-Length`: complete)"
    )]
    Appended,
    #[response(status = 401, description = "Not signed in", content_type = "application/problem+json")]
    Unauthenticated(Problem),
    #[response(status = 403, description = "Not a resident or helper", content_type = "application/problem+json")]
    Forbidden(Problem),
    #[response(status = 404, description = "No such upload of the caller's", content_type = "application/problem+json")]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "The upload has reached another offset (`UPLOAD_OFFSET_MISMATCH`; `current.offset`)",
        content_type = "application/problem+json"
    )]
    OffsetMismatch(Problem),
    #[response(
        status = 413,
        description = "A chunk larger than `sync.upload_chunk_max_bytes`, or past the declared length",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "Not `application/offset+octet-stream`",
        content_type = "application/problem+json"
    )]
    NotAChunk(Problem),
    #[response(
        status = 422,
        description = "The whole file does not match its SHA-256 (`UPLOAD_CHECKSUM_MISMATCH`): the upload starts over at 0",
        content_type = "application/problem+json"
    )]
    ChecksumMismatch(Problem),
}

/// Append a chunk at `Upload-Offset` (`Content-Type: application/offset+octet-stream`, at most
/// `sync.upload_chunk_max_bytes`). When the last byte arrives the file is put together and
/// checked against its SHA-256. A chunk cut off on the way is not kept: ask `HEAD` and resend
/// from the offset it gives.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The upload"),
        ("Upload-Offset" = i64, Header, description = "Where this chunk starts: the offset the server has reached"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 400, description = "A missing or malformed `Upload-Offset` (`INVALID_HEADER`), or not an upload id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        ChunkAnswers,
    ),
)]
#[patch("/api/v1/uploads/{id}")]
pub async fn append_chunk(
    state: SharedState,
    caller: Authorized<Applicants>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    append(&state, &caller.principal, id.into_inner(), &req, body).await
}

/// `PATCH` for clients that can only send `POST` (`X-HTTP-Method-Override: PATCH`); the same
/// headers, body and answers as `PATCH`.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The upload"),
        ("X-HTTP-Method-Override" = String, Header, description = "`PATCH`"),
        ("Upload-Offset" = i64, Header, description = "Where this chunk starts"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 400, description = "No `X-HTTP-Method-Override: PATCH` or a malformed `Upload-Offset` (`INVALID_HEADER`), or not an upload id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        ChunkAnswers,
    ),
)]
#[post("/api/v1/uploads/{id}")]
pub async fn append_chunk_by_post(
    state: SharedState,
    caller: Authorized<Applicants>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let overridden = req.headers().get(METHOD_OVERRIDE).and_then(|v| v.to_str().ok());
    if !overridden.is_some_and(|m| m.eq_ignore_ascii_case("PATCH")) {
        return Err(bad_header(
            "X-HTTP-Method-Override",
            "用 POST 追加内容时请带上 X-HTTP-Method-Override: PATCH",
            "Send X-HTTP-Method-Override: PATCH to append with POST",
        ));
    }
    append(&state, &caller.principal, id.into_inner(), &req, body).await
}

async fn append(
    state: &SharedState,
    principal: &Principal,
    id: Uuid,
    req: &HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.eq_ignore_ascii_case(CHUNK_TYPE) {
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType).with_detail(Message::new(
            "上传内容请用 Content-Type: application/offset+octet-stream 发送",
            "Send chunks as application/offset+octet-stream",
        )));
    }
    let offset = number(headers, &UPLOAD_OFFSET, "Upload-Offset")?;
    let max = state.settings.sync.upload_chunk_max_bytes;
    let mut bytes = Vec::new();
    while let Some(piece) = body.next().await {
        // A connection cut mid-chunk: nothing of this chunk is kept; the phone resends it.
        let piece = piece.map_err(|_| ApiError::new(ErrorCode::BadRequest))?;
        if bytes.len() + piece.len() > max {
            return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_detail(Message::new(
                format!("每次最多发送 {} KB,请分成更小的块", max / 1024),
                format!("Send at most {} KB per chunk", max / 1024),
            )));
        }
        bytes.extend_from_slice(&piece);
    }
    let upload = service::append(state, principal, id, offset, bytes).await?;
    Ok(standing(HttpResponse::NoContent(), &upload).finish())
}
