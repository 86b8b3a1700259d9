//! `Idempotency-Key` on the online endpoints that change something (`POST`, `PUT`, `PATCH`,
//! `DELETE` with a JSON or empty body). The first request with a key is done and its answer kept
//! in the database for `sync.idempotency_hours`; the same request again with the same key gets
//! that answer again (`Idempotent-Replayed: true`) instead of being done twice, on any node. The
//! key is the account's own; another request under a used key is refused (422), and a key whose
//! first request is still being worked on answers 409 with `Retry-After`. Server errors are not
//! kept: the request may be retried. Multipart uploads carry their own client-made ids instead.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use chrono::{Duration, Utc};
use entity::idempotency_key::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::state::SharedState;
use crate::vocab::Principal;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A first request abandoned (its node died) for this long may be taken over by a retry.
const ABANDONED_AFTER_SECS: i64 = 60;

pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(key) = req.headers().get(IDEMPOTENCY_KEY).cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let changes = [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(req.method());
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/") || v.starts_with("application/offset+octet-stream"));
    // Without a valid token the handler answers 401 itself.
    let principal = Principal::from_request_sync(req.request()).ok();
    let (Some(principal), true, false) = (principal, changes, multipart) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = key
        .to_str()
        .ok()
        .map(str::to_owned)
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::new(ErrorCode::BadRequest).with_errors(vec![FieldError::new(
                "Idempotency-Key",
                FieldCode::InvalidHeader,
                Message::new(
                    "Idempotency-Key 应为 1 到 255 个可见 ASCII 字符(建议用 UUID)",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, say)",
                ),
            )])
        })?;
    let state = req.app_data::<SharedState>().cloned().ok_or_else(|| ApiError::internal("no application state"))?;
    let body = req.extract::<web::Bytes>().await?;
    let mut fingerprint = Vec::with_capacity(body.len() + 128);
    fingerprint.extend_from_slice(req.method().as_str().as_bytes());
    fingerprint.push(b' ');
    fingerprint.extend_from_slice(req.uri().to_string().as_bytes());
    fingerprint.push(b'\n');
    fingerprint.extend_from_slice(&body);
    let request_sha256 = crate::hex::sha256(&fingerprint);
    req.set_payload(Payload::from(body));

    match claim(&state.db, &principal, &key, &request_sha256).await? {
        Claim::Replay(kept) => {
            let (http, _) = req.into_parts();
            Ok(ServiceResponse::new(http, replay(kept)))
        }
        Claim::Ours => {
            let response = next.call(req).await?.map_into_boxed_body();
            let (http, response) = response.into_parts();
            let status = response.status();
            let (head, body) = response.into_parts();
            let bytes = to_bytes(body).await.map_err(|_| ApiError::internal("a response body could not be read"))?;
            if status.is_server_error() {
                release(&state.db, &principal, &key).await;
            } else {
                keep(&state.db, &principal, &key, &head, &bytes).await;
            }
            Ok(ServiceResponse::new(http, head.set_body(BoxBody::new(bytes))))
        }
    }
}

enum Claim {
    /// This request does the work.
    Ours,
    /// The first one did: its answer.
    Replay(idempotency_key::Model),
}

async fn claim(
    db: &DatabaseConnection,
    principal: &Principal,
    key: &str,
    request_sha256: &str,
) -> Result<Claim, ApiError> {
    let now = Utc::now();
    let row = idempotency_key::ActiveModel {
        account_id: Set(principal.account_id),
        key: Set(key.to_owned()),
        request_sha256: Set(request_sha256.to_owned()),
        status: Set(None),
        content_type: Set(None),
        location: Set(None),
        body: Set(None),
        created_at: Set(now),
        completed_at: Set(None),
    };
    let inserted = idempotency_key::Entity::insert(row)
        .on_conflict_do_nothing_on([Column::AccountId, Column::Key])
        .exec_without_returning(db)
        .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(Claim::Ours);
    }
    let kept = idempotency_key::Entity::find_by_id((principal.account_id, key.to_owned()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::IdempotencyKeyInFlight).with_retry_after(1))?;
    if kept.request_sha256 != request_sha256 {
        return Err(ApiError::new(ErrorCode::IdempotencyKeyReused));
    }
    if kept.status.is_some() {
        return Ok(Claim::Replay(kept));
    }
    // The first request is being worked on, or its node died: take it over once it is old.
    let taken = idempotency_key::Entity::update_many()
        .col_expr(Column::CreatedAt, Expr::value(now))
        .filter(Column::AccountId.eq(principal.account_id))
        .filter(Column::Key.eq(key))
        .filter(Column::Status.is_null())
        .filter(Column::CreatedAt.lt(now - Duration::seconds(ABANDONED_AFTER_SECS)))
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(Claim::Ours);
    }
    Err(ApiError::new(ErrorCode::IdempotencyKeyInFlight).with_retry_after(1))
}

async fn keep(db: &DatabaseConnection, principal: &Principal, key: &str, head: &HttpResponse<()>, body: &[u8]) {
    let text = |name: header::HeaderName| head.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let kept = idempotency_key::Entity::update_many()
        .col_expr(Column::Status, Expr::value(Some(i16::try_from(head.status().as_u16()).unwrap_or(500))))
        .col_expr(Column::ContentType, Expr::value(text(header::CONTENT_TYPE)))
        .col_expr(Column::Location, Expr::value(text(header::LOCATION)))
        .col_expr(Column::Body, Expr::value(Some(body.to_vec())))
        .col_expr(Column::CompletedAt, Expr::value(Some(Utc::now())))
        .filter(Column::AccountId.eq(principal.account_id))
        .filter(Column::Key.eq(key))
        .exec(db)
        .await;
    if let Err(err) = kept {
        // The request was done; only its replay is lost (a retry is then done again).
        tracing::warn!(error = %err, "an idempotent answer could not be kept");
        release(db, principal, key).await;
    }
}

async fn release(db: &DatabaseConnection, principal: &Principal, key: &str) {
    let released = idempotency_key::Entity::delete_many()
        .filter(Column::AccountId.eq(principal.account_id))
        .filter(Column::Key.eq(key))
        .filter(Column::Status.is_null())
        .exec(db)
        .await;
    if let Err(err) = released {
        tracing::warn!(error = %err, "an idempotency key stays claimed until it is abandoned");
    }
}

fn replay(kept: idempotency_key::Model) -> HttpResponse {
    let status = kept.status.and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok()).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header((REPLAYED, HeaderValue::from_static("true")));
    if let Some(content_type) = kept.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(location) = kept.location {
        response.insert_header((header::LOCATION, location));
    }
    response.body(kept.body.unwrap_or_default())
}

/// Deletes the answers older than `hours`; returns how many.
pub async fn purge(db: &DatabaseConnection, hours: u32) -> Result<u64, ApiError> {
    let before = Utc::now() - Duration::hours(i64::from(hours));
    let purged = idempotency_key::Entity::delete_many().filter(Column::CreatedAt.lt(before)).exec(db).await?;
    Ok(purged.rows_affected)
}
