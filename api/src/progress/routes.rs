use actix_web::{HttpRequest, HttpResponse, get, post, web};
use uuid::Uuid;

use super::model::{ProgressOut, PublicProgressOut, PublicQueryIn};
use super::service;
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, client_address};
use crate::state::SharedState;
use crate::vocab::Principal;

/// Where the application stands: overall and per item, the timeline, what to do next and the
/// expected decision date. For the applicant, the helper who filed it and staff of its region.
/// Served from the shared cache; a change is visible at once to the one who made it.
#[utoipa::path(
    tag = "progress",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, description = "The progress", body = ProgressOut),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A platform administrator (`ADMIN_NOT_CASE_WORKER`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications/{id}/progress")]
pub async fn get_progress(
    state: SharedState,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.ensure_case_worker()?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::new(crate::error::ErrorCode::NotFound))?;
    let body = service::for_reader(&state, &principal, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body))
}

/// The public status query (no account): the application number and the last four digits of
/// the phone given with it. Answers the status only. A wrong phone tail answers like an unknown
/// number; both count against the limits per client address and per number (429 past them).
#[utoipa::path(
    tag = "progress",
    request_body = PublicQueryIn,
    responses(
        (status = 200, description = "The status", body = PublicProgressOut),
        (status = 404, description = "No application with this number and phone tail", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The phone tail is not four digits (`INVALID_PHONE_TAIL`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many queries from this address or for this number (`RATE_LIMITED`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/public/progress")]
pub async fn query_public_progress(
    state: SharedState,
    req: HttpRequest,
    body: JsonBody<PublicQueryIn>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&req, state.settings.server.trust_forwarded_for);
    let out = service::public(&state, &body.0, address).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(out))
}
