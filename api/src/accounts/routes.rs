use actix_web::{HttpResponse, get, patch, post, put, web};
use uuid::Uuid;

use super::model::{PasswordChangeIn, StaffIn, StaffListQuery, StaffPatch};
use super::service;
use crate::auth::lockout::Lockout;
use crate::auth::model::AccountOut;
use crate::auth::principal::{AdminOnly, Authorized, StaffOnly};
use crate::error::{ApiError, Problem};
use crate::http::pagination::Page;
use crate::http::{JsonBody, Query};
use crate::regions::ScopedRegion;
use crate::state::SharedState;
use crate::vocab::Principal;

/// The signed-in caller's own account.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = AccountOut),
        (status = 403, description = "The account is switched off (`ACCOUNT_DISABLED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/me")]
pub async fn get_me(state: SharedState, caller: Principal) -> Result<web::Json<AccountOut>, ApiError> {
    Ok(web::Json(service::me(&state.db, &caller).await?.into()))
}

/// Change the caller's own password (staff). Every sign-in of the account ends; sign in again.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = PasswordChangeIn,
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "Residents have no password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password (`WRONG_PASSWORD`) or a weak new one (`WEAK_PASSWORD`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords (`ACCOUNT_LOCKED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/me/password")]
pub async fn change_my_password(
    state: SharedState,
    caller: Authorized<StaffOnly>,
    body: JsonBody<PasswordChangeIn>,
) -> Result<HttpResponse, ApiError> {
    service::change_password(&state.db, &Lockout::of(&state), &caller.principal, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create a member of staff (admin).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = StaffIn,
    responses(
        (status = 201, description = "Created", body = AccountOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. `REGION_LEVEL_MISMATCH`, `REGION_NOT_FOUND`, `WEAK_PASSWORD`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/staff")]
pub async fn create_staff(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    body: JsonBody<StaffIn>,
) -> Result<HttpResponse, ApiError> {
    let row = service::create_staff(&state.db, Some(&caller.principal), body.0).await?;
    Ok(HttpResponse::Created().json(AccountOut::from(row)))
}

/// Change a member of staff (admin): name, role, region, helper kind, organisation, status or a
/// password reset. Role and region changes are audited.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account id")),
    request_body = StaffPatch,
    responses(
        (status = 200, description = "Changed", body = AccountOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member of staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An admin cannot switch off or demote themselves", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/api/v1/staff/{id}")]
pub async fn update_staff(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    id: web::Path<Uuid>,
    body: JsonBody<StaffPatch>,
) -> Result<web::Json<AccountOut>, ApiError> {
    let row = service::update_staff(&state.db, &caller.principal, id.into_inner(), body.0).await?;
    Ok(web::Json(row.into()))
}

/// Staff working in a region or below it. A helper sees their community, a township reviewer
/// their township, a district supervisor their district, an admin anywhere.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "A region code"), StaffListQuery),
    responses(
        (status = 200, description = "A page of staff", body = Page<AccountOut>),
        (status = 400, description = "Bad query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A resident, or staff of another region", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/regions/{code}/staff")]
pub async fn list_region_staff(
    state: SharedState,
    scope: ScopedRegion,
    query: Query<StaffListQuery>,
) -> Result<web::Json<Page<AccountOut>>, ApiError> {
    Ok(web::Json(service::list_staff_in(&state.db, &scope.code, query.into_inner()).await?))
}
