use actix_web::{HttpResponse, delete, get, post, put, web};
use uuid::Uuid;

use super::model::{
    ApplicationIn, ApplicationListQuery, ApplicationOut, ApplicationSummaryOut, ApplicationUpdateIn, Changed,
    ChecklistOut, MemberIn, MemberOut, RemovedOut, RevealIn, RevealOut,
};
use super::scoped::ScopedApplication;
use super::{commands, list, members, submit, view};
use crate::auth::principal::{Applicants, Authorized};
use crate::error::{ApiError, Problem};
use crate::http::pagination::Page;
use crate::http::{JsonBody, Query};
use crate::state::SharedState;
use crate::vocab::Principal;
use crate::vocab::Role;

/// Start an application (a draft) for the caller (a resident) or, by a helper, for someone in the
/// helper's community. The id is made by the phone: the same request again returns the same
/// draft with 200; the same id with other content is a 409.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    request_body = ApplicationIn,
    responses(
        (status = 201, description = "Created", body = ApplicationOut),
        (status = 200, description = "The same request came before", body = ApplicationOut),
        (status = 403, description = "Not a resident or helper, or a helper of another community", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id exists with other content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`REGION_NOT_FOUND`, `UNKNOWN_ITEM`, `DUPLICATE_ITEM`, `ITEMS_EXCLUSIVE`, `INVALID_PHONE`, `SERVICE_POINT_MISMATCH` ...", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications")]
pub async fn create_application(
    state: SharedState,
    caller: Authorized<Applicants>,
    body: JsonBody<ApplicationIn>,
) -> Result<HttpResponse, ApiError> {
    let (row, created) = commands::create(&state, &caller.principal, body.0).await?;
    let out = view::load(&state.db, row).await?;
    Ok(if created { HttpResponse::Created().json(out) } else { HttpResponse::Ok().json(out) })
}

/// The caller's applications, newest first: a resident's own; a helper's filed ones and their
/// community's; the submitted ones of a reviewer's or supervisor's region. Not for administrators.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(ApplicationListQuery),
    responses(
        (status = 200, description = "One page", body = Page<ApplicationSummaryOut>),
        (status = 403, description = "A platform administrator (`ADMIN_NOT_CASE_WORKER`): not case work", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications")]
pub async fn list_applications(
    state: SharedState,
    caller: Principal,
    query: Query<ApplicationListQuery>,
) -> Result<web::Json<Page<ApplicationSummaryOut>>, ApiError> {
    Ok(web::Json(list::list(&state.db, &caller, query.into_inner()).await?))
}

/// One application with its items, members (ID numbers masked), documents and authorizations.
/// Staff reads are audited.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, description = "The application", body = ApplicationOut),
        (status = 403, description = "A platform administrator (`ADMIN_NOT_CASE_WORKER`): not case work", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications/{id}")]
pub async fn get_application(
    state: SharedState,
    scope: ScopedApplication,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    scope.audit_staff_read(&state.db, "application.read", ("application", scope.application().id)).await?;
    let reviewer = matches!(scope.principal().role, Role::TownshipReviewer | Role::DistrictSupervisor);
    let id = scope.application().id;
    let mut out = view::load(&state.db, scope.into_application()).await?;
    if reviewer {
        out.review_flags = Some(crate::documents::flags::of_application(&state.db, id).await?);
        out.aid_flags = Some(crate::monitoring::ledger::flags_of(&state.db, id).await?);
    }
    Ok(web::Json(out))
}

/// Change a draft's items, contact phone, household facts and note.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = ApplicationUpdateIn,
    responses(
        (status = 200, description = "Saved", body = ApplicationOut),
        (status = 403, description = "Reviewers and supervisors do not edit the applicant's data", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`) or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/applications/{id}")]
pub async fn update_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<ApplicationUpdateIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    let row = commands::update(&state, scope, body.0).await?;
    Ok(web::Json(view::load(&state.db, row).await?))
}

/// Submit: checks that nothing is missing (every missing piece at once in `errors[]`), that the
/// applicant has no open application for the same items, assigns the number and starts the
/// deadlines. Submitting again returns the submitted application.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, description = "Submitted", body = ApplicationOut),
        (status = 403, description = "Only the applicant's side submits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An open application for the same item exists (`DUPLICATE_APPLICATION`, its number in the detail)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Pieces are missing (`APPLICATION_INCOMPLETE`: `MISSING_APPLICANT`, `MISSING_DOCUMENT`, `MISSING_SIGNATURE`, `ITEMS_EXCLUSIVE`, `REQUIRED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/submit")]
pub async fn submit_application(
    state: SharedState,
    scope: ScopedApplication,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(submit::submit(&state, &scope).await?))
}

/// What the draft still lacks, without submitting it: the same `errors[]` a submit would answer
/// now, for the phone to show as a to-do list. Read-only.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, description = "Ready or not, and every missing piece", body = ChecklistOut),
        (status = 403, description = "A platform administrator (`ADMIN_NOT_CASE_WORKER`): not case work", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications/{id}/checklist")]
pub async fn get_checklist(state: SharedState, scope: ScopedApplication) -> Result<web::Json<ChecklistOut>, ApiError> {
    Ok(web::Json(submit::checklist(&state.db, &scope).await?))
}

/// Add or replace a household member of a draft. The ID number is checked, stored encrypted and
/// only ever returned masked.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("member_id" = Uuid, Path, description = "Made by the phone")),
    request_body = MemberIn,
    responses(
        (status = 201, description = "Added; `application_version` is the application's new version", body = Changed<MemberOut>),
        (status = 200, description = "Replaced", body = Changed<MemberOut>),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already (`APPLICATION_LOCKED`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`INVALID_ID_NUMBER`, `ID_NUMBER_CHECKSUM`, `FUTURE_BIRTH_DATE`, `DUPLICATE_MEMBER`, `DUPLICATE_APPLICANT`, `INVALID_NAME`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/applications/{id}/members/{member_id}")]
pub async fn put_member(
    state: SharedState,
    scope: ScopedApplication,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<MemberIn>,
) -> Result<HttpResponse, ApiError> {
    let put = commands::put_member(&state, &scope, path.1, body.0).await?;
    let out = Changed { record: put.member, application_version: put.application.version };
    Ok(if put.created { HttpResponse::Created().json(out) } else { HttpResponse::Ok().json(out) })
}

/// Remove a household member from a draft.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("member_id" = Uuid, Path, description = "The member")),
    responses(
        (status = 200, description = "Removed; the application's new version", body = RemovedOut),
        (status = 403, description = "Not the applicant's side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already, or the member signed an authorization", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/api/v1/applications/{id}/members/{member_id}")]
pub async fn delete_member(
    state: SharedState,
    scope: ScopedApplication,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let application = commands::delete_member(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok().json(RemovedOut { application_version: application.version }))
}

/// The full ID number of a member, for a township reviewer or district supervisor of the region.
/// The reason is kept in the audit log.
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application"), ("member_id" = Uuid, Path, description = "The member")),
    request_body = RevealIn,
    responses(
        (status = 200, description = "The number", body = RevealOut),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member, or not in the caller's region", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given (`REASON_REQUIRED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/members/{member_id}/reveal-id-number")]
pub async fn reveal_id_number(
    state: SharedState,
    scope: ScopedApplication,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<RevealIn>,
) -> Result<web::Json<RevealOut>, ApiError> {
    Ok(web::Json(members::reveal(&state.db, &state.pii, &scope, path.1, body.0).await?))
}
