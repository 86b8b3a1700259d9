//! Thin handlers of the review steps: extract, call the step, answer the application as it now is.

use actix_web::{get, post, web};

use super::investigation::{self, InvestigationOut};
use super::model::{ConfirmIn, DecisionIn, EmergencyIn, ReturnIn, StepIn, SupplementIn, WithdrawIn};
use super::{decide, steps};
use crate::applications::ScopedApplication;
use crate::applications::model::ApplicationOut;
use crate::error::{ApiError, Problem};
use crate::http::JsonBody;
use crate::state::SharedState;

/// The refusals every review step shares: no caller, the wrong caller, or an application the
/// caller may not see (404, never a hint that it exists).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum StepRefusals {
    #[response(status = 401, description = "Not signed in", content_type = "application/problem+json")]
    Unauthenticated(Problem),
    #[response(status = 403, description = "Not the caller's step to take", content_type = "application/problem+json")]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such application, or not in the caller's region",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// Accept the application for handling (受理); township reviewer of its township.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = StepIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "`version` is stale (`VERSION_CONFLICT`) or the application is not `submitted` (`INVALID_TRANSITION`; `current` has its state)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note over 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/accept")]
pub async fn accept_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<StepIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(steps::accept(&state, &scope, body.0).await?))
}

/// Ask the applicant for materials (退回补正): the deadline clock stops until they supplement; they see the note, the list and the date by which to bring them.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = ReturnIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version` or not `submitted`/`accepted`/`investigating`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No document named (`REQUIRED`) or a note of fewer than 2 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/return")]
pub async fn return_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<ReturnIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(steps::return_for_materials(&state, &scope, body.0).await?))
}

/// The applicant's side has attached the materials asked for (upload them first): a return goes back where it was with its deadlines moved on by the working days the clock stood still; an emergency approval's materials open its re-review.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = SupplementIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version`, or nothing was asked for", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A requested document is still missing (`APPLICATION_INCOMPLETE` with `MISSING_DOCUMENT`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/supplement")]
pub async fn supplement_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<SupplementIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(steps::supplement(&state, &scope, body.0).await?))
}

/// Start the investigation with the economic check through the data-exchange service (consent id and pseudonymous references only), or run the check again during it.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = StepIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version` or not `accepted`/`investigating`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No valid authorization (`MISSING_SIGNATURE`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The data exchange refused the check (`DATA_EXCHANGE_ERROR`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The data exchange did not answer (`DATA_EXCHANGE_UNAVAILABLE`, `Retry-After`); nothing changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/investigation")]
pub async fn start_investigation(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<StepIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(investigation::investigate(&state, &scope, body.0).await?))
}

/// Decide some or all items, each on its `version` (signed by the reviewer): approved with `amount_fen`, rejected with `reasons`. District-level items and amounts above the township's limit (临时救助 over 2,000 yuan) wait for the district's confirmation (`pending_district`). Approved applicants become recipients; rejected ones enter the monitoring pool; a share of rejections is escalated for a second look.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = DecisionIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "An item's `version` is stale (`VERSION_CONFLICT`, the loser of two concurrent decisions) or the item or application cannot take it (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`AMOUNT_REQUIRED`, `AMOUNT_TOO_HIGH`, `REASON_REQUIRED`, `UNKNOWN_ITEM`, `DUPLICATE`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/decision")]
pub async fn decide_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<DecisionIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(decide::decide(&state, &scope, body.0).await?))
}

/// Approve first, supplement later (先批后补): the listed items approved now with a reason code, the missing materials due within `review.materials_working_days`, the case flagged for re-review.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = EmergencyIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version` or not `submitted`/`accepted`/`investigating`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No items, a bad amount, a note of fewer than 2 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/emergency-approval")]
pub async fn approve_emergency(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<EmergencyIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(decide::emergency(&state, &scope, body.0).await?))
}

/// Close a decided application (办结). An emergency approval closes only after its re-review.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = StepIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version`, not `decided`, or an emergency approval still to be reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note over 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/close")]
pub async fn close_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<StepIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(steps::close(&state, &scope, body.0).await?))
}

/// Withdraw the application before its decision (the resident, or a helper for them).
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = WithdrawIn,
    responses(
        (status = 200, description = "The application after the step", body = ApplicationOut),
        StepRefusals,
        (status = 409, description = "Stale `version` or already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason over 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/withdraw")]
pub async fn withdraw_application(
    state: SharedState,
    scope: ScopedApplication,
    body: JsonBody<WithdrawIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    Ok(web::Json(steps::withdraw(&state, &scope, body.0).await?))
}

/// The district confirms, changes or refuses a township proposal waiting for it
/// (`pending_district`), on the item's `version`; signed like any decision.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The application"),
        ("code" = String, Path, description = "The item code"),
    ),
    request_body = ConfirmIn,
    responses(
        (status = 200, description = "The application after the confirmation", body = ApplicationOut),
        (status = 403, description = "Not a district supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not in the caller's district", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale item `version` or the item is not waiting for the district", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`AMOUNT_REQUIRED`, `AMOUNT_TOO_HIGH`, `REASON_REQUIRED`, `UNKNOWN_ITEM`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/applications/{id}/items/{code}/district-confirmation")]
pub async fn confirm_item(
    state: SharedState,
    scope: ScopedApplication,
    path: web::Path<(String, String)>,
    body: JsonBody<ConfirmIn>,
) -> Result<web::Json<ApplicationOut>, ApiError> {
    let (_, code) = path.into_inner();
    Ok(web::Json(decide::confirm(&state, &scope, &code, body.0).await?))
}

/// The economic checks of an application with their findings, newest first. Township reviewers
/// and district supervisors of its region; each read is audited.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, description = "The checks", body = Vec<InvestigationOut>),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not in the caller's region", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/applications/{id}/investigations")]
pub async fn list_investigations(
    state: SharedState,
    scope: ScopedApplication,
) -> Result<web::Json<Vec<InvestigationOut>>, ApiError> {
    Ok(web::Json(investigation::list(&state, &scope).await?))
}
