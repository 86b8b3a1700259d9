use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;

use super::model::{AuthorizationIn, AuthorizationTextOut, RevokeIn};
use super::service;
use crate::applications::ScopedApplication;
use crate::applications::model::{AuthorizationOut, Changed};
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, public_json};
use crate::state::SharedState;

/// The current authorization text (授权书) with its version, hash and the data scopes it can
/// cover. Public: read it before signing in.
#[utoipa::path(tag = "authorizations", responses((status = 200, description = "The text to show", body = AuthorizationTextOut)))]
#[get("/api/v1/authorization-text")]
pub async fn get_authorization_text() -> HttpResponse {
    public_json(300, &service::current_text())
}

/// Sign the authorization, for oneself or, as guardian or delegate, for other members: the canvas
/// PNG is uploaded first as a document of type `signature`, then named here. Stored as evidence and never changed afterwards.
#[utoipa::path(
    tag = "authorizations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = AuthorizationIn,
    responses(
        (status = 201, description = "Signed; `application_version` is the application's new version", body = Changed<AuthorizationOut>),
        (status = 200, description = "The same signature came before", body = Changed<AuthorizationOut>),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`), or the id was used for another signature", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`STALE_AUTHORIZATION_TEXT`, `INVALID_SCOPE`, `SIGNER_NOT_MEMBER`, `SIGNER_NOT_ADULT`, `SIGNATURE_WRONG_PERSON`, `RELATION_REQUIRED`, `SIGNATURE_NOT_FOUND`, `SIGNATURE_ALREADY_USED`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/authorizations")]
pub async fn sign_authorization(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<AuthorizationIn>,
) -> Result<HttpResponse, ApiError> {
    let (out, created) = service::sign_command(&state, &scope, body.0).await?;
    Ok(if created { HttpResponse::Created().json(out) } else { HttpResponse::Ok().json(out) })
}

/// Withdraw a signed authorization. It stays on record with the time and the reason.
#[utoipa::path(
    tag = "authorizations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("authorization_id" = Uuid, Path, description = "The authorization")),
    request_body = RevokeIn,
    responses(
        (status = 200, description = "Revoked", body = AuthorizationOut),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such authorization, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason (`REASON_REQUIRED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/authorizations/{authorization_id}/revoke")]
pub async fn revoke_authorization(
    state: SharedState,
    scope: ScopedApplication,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<RevokeIn>,
) -> Result<web::Json<AuthorizationOut>, ApiError> {
    let revoked = service::revoke(&state, &scope, path.1, body.0).await?;
    Ok(web::Json(revoked))
}
