use actix_web::{get, post, put, web};
use uuid::Uuid;

use super::model::{
    AssignLeadIn, CloseLeadIn, DashboardOut, LeadFiguresMonthOut, LeadMonthQuery, LeadOut, LeadQuery, LedgerLookupIn,
    LedgerLookupOut, LedgerOut, RuleIn, RuleOut, SubjectOut, SubjectQuery, VisitLeadIn,
};
use super::{figures, leads, lookup, pool, rules};
use crate::auth::principal::{Authorized, DistrictOnly, Overseers};
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, Query};
use crate::state::SharedState;
use crate::vocab::Principal;

/// Create or change the warning rule `code` of the caller's district (or of one of its townships:
/// `region_code`). `active: false` switches it off. Rules are evaluated over every department file
/// imported after.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The rule's code: 2 to 32 of `a-z`, `0-9`, `_`")),
    request_body = RuleIn,
    responses(
        (status = 200, description = "The rule as stored", body = RuleOut),
        (status = 400, description = "A code of the wrong form (`INVALID_PATH`) or a body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a district supervisor, or a region outside the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version` (`VERSION_CONFLICT`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A threshold out of range (`INVALID_THRESHOLD` under `params.`), a bad name, deadline or region", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/monitoring/rules/{code}")]
pub async fn put_rule(
    state: SharedState,
    caller: Authorized<DistrictOnly>,
    code: web::Path<String>,
    body: JsonBody<RuleIn>,
) -> Result<web::Json<RuleOut>, ApiError> {
    Ok(web::Json(rules::put(&state.db, &caller.principal, &code, body.0).await?))
}

/// The warning rules that apply in the caller's region.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rules, oldest first", body = Vec<RuleOut>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/rules")]
pub async fn list_rules(
    state: SharedState,
    caller: Authorized<Overseers>,
) -> Result<web::Json<Vec<RuleOut>>, ApiError> {
    Ok(web::Json(rules::list(&state.db, &caller.principal).await?))
}

/// Leads: a township reviewer's township, a district supervisor's district, a helper's own
/// assignments; not closed unless `status=closed`. Newest first, at most 1,000. Audited.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(LeadQuery),
    responses(
        (status = 200, description = "The leads", body = Vec<LeadOut>),
        (status = 400, description = "An unknown `status`, `level` or `sla_state` (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A resident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query value with characters that cannot be read (control characters)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/leads")]
pub async fn list_leads(
    state: SharedState,
    principal: Principal,
    query: Query<LeadQuery>,
) -> Result<web::Json<Vec<LeadOut>>, ApiError> {
    Ok(web::Json(leads::list(&state.db, &principal, &query).await?))
}

/// One lead with its evidence (audited).
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The lead")),
    responses(
        (status = 200, description = "The lead", body = LeadOut),
        (status = 400, description = "Not a lead id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A resident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead the caller may see", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/leads/{id}")]
pub async fn get_lead(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<web::Json<LeadOut>, ApiError> {
    Ok(web::Json(leads::get(&state.db, &principal, id.into_inner()).await?))
}

/// Hand a lead to a helper of one of the township's communities (the township reviewer or the
/// district); again to another helper before the visit.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The lead")),
    request_body = AssignLeadIn,
    responses(
        (status = 200, description = "Assigned", body = LeadOut),
        (status = 400, description = "Not a lead id, or a body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the lead's township or district", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A stale `version` (`VERSION_CONFLICT`), or visited or closed already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an active helper of the township (`NOT_A_TOWNSHIP_HELPER`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/monitoring/leads/{id}/assign")]
pub async fn assign_lead(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<AssignLeadIn>,
) -> Result<web::Json<LeadOut>, ApiError> {
    Ok(web::Json(leads::assign(&state.db, &principal, id.into_inner(), body.0).await?))
}

/// Record the home visit (the assigned helper, or the township).
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The lead")),
    request_body = VisitLeadIn,
    responses(
        (status = 200, description = "Visited", body = LeadOut),
        (status = 400, description = "Not a lead id, or a body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the assigned helper nor the township", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A stale `version`, or not assigned yet / visited already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note of fewer than 2 or more than 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/monitoring/leads/{id}/visit")]
pub async fn visit_lead(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<VisitLeadIn>,
) -> Result<web::Json<LeadOut>, ApiError> {
    Ok(web::Json(leads::visit(&state.db, &principal, id.into_inner(), body.0).await?))
}

/// Close a visited lead with its outcome: `applied`, `not_needed` or `referred_to_charity`.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The lead")),
    request_body = CloseLeadIn,
    responses(
        (status = 200, description = "Closed", body = LeadOut),
        (status = 400, description = "Not a lead id, an unknown outcome, or a body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the assigned helper nor the township", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A stale `version`, or not visited yet / closed already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note over 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/monitoring/leads/{id}/close")]
pub async fn close_lead(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<CloseLeadIn>,
) -> Result<web::Json<LeadOut>, ApiError> {
    Ok(web::Json(leads::close(&state.db, &principal, id.into_inner(), body.0).await?))
}

/// The monitoring pool of the caller's township or district, each person with what they receive;
/// `receiving=none` for those who get no aid at all. Audited.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(SubjectQuery),
    responses(
        (status = 200, description = "The people, oldest entry first, at most 5,000", body = Vec<SubjectOut>),
        (status = 400, description = "An unknown `group` or `receiving` (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query value with characters that cannot be read (control characters)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/subjects")]
pub async fn list_subjects(
    state: SharedState,
    principal: Principal,
    query: Query<SubjectQuery>,
) -> Result<web::Json<Vec<SubjectOut>>, ApiError> {
    Ok(web::Json(pool::list(&state.db, &principal, &query).await?))
}

/// A month's leads per township: raised by level, visited, hours to the visit, outcomes, overdue.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    params(LeadMonthQuery),
    responses(
        (status = 200, description = "The figures", body = LeadFiguresMonthOut),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/figures")]
pub async fn lead_figures(
    state: SharedState,
    principal: Principal,
    query: Query<LeadMonthQuery>,
) -> Result<web::Json<LeadFiguresMonthOut>, ApiError> {
    Ok(web::Json(figures::monthly(&state.db, &principal, &query.month).await?))
}

/// The dashboard: open leads red/yellow/green and overdue, per township and in all; the pool and
/// the pool's people who get nothing.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = DashboardOut),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/monitoring/dashboard")]
pub async fn dashboard(state: SharedState, principal: Principal) -> Result<web::Json<DashboardOut>, ApiError> {
    Ok(web::Json(figures::dashboard(&state.db, &principal).await?))
}

/// One person's ledger: everything they receive from any department, with the pairs that must not
/// be held together. The ID number goes in the body, never the URL; the read is audited. A person
/// beyond the caller's reach (no submitted application, aid or pool entry in their township or
/// district) is looked up only with a `reason`, which the district sees (`GET /ledger/lookups`);
/// without one the answer is the same 404 as for an unknown number.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    request_body = LedgerLookupIn,
    responses(
        (status = 200, description = "The ledger (empty when the person gets nothing)", body = LedgerOut),
        (status = 400, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor (`ADMIN_NOT_CASE_WORKER` for an administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No one of that number in the caller's reach and no `reason` given (`PERSON_NOT_IN_REACH`, also for an unknown number)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid ID number, or a reason of fewer than 2 or more than 500 characters (`errors` says what is wrong)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/ledger/lookup")]
pub async fn lookup_ledger(
    state: SharedState,
    caller: Authorized<Overseers>,
    body: JsonBody<LedgerLookupIn>,
) -> Result<web::Json<LedgerOut>, ApiError> {
    Ok(web::Json(lookup::lookup(&state, &caller.principal, body.0).await?))
}

/// The ledger look-ups made with a stated reason beyond reach in the caller's district (district
/// supervisors): who, when, why and about whom (masked), newest first, at most 500.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The look-ups", body = Vec<LedgerLookupOut>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a district supervisor (`ADMIN_NOT_CASE_WORKER` for an administrator)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/ledger/lookups")]
pub async fn list_ledger_lookups(
    state: SharedState,
    caller: Authorized<DistrictOnly>,
) -> Result<web::Json<Vec<LedgerLookupOut>>, ApiError> {
    Ok(web::Json(lookup::reasons(&state.db, &caller.principal).await?))
}
