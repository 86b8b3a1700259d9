use actix_web::{HttpResponse, get, post, put, web};

use super::model::{PrecheckIn, PrecheckOut, RuleSetIn, RuleSetOut};
use super::service;
use crate::auth::principal::{AdminOnly, Authorized};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::JsonBody;
use crate::regions::service as regions;
use crate::state::SharedState;
use crate::vocab::RegionCode;

/// 一键智能预判: the aid items a household likely qualifies for, each with the reasons and the
/// documents it needs, from the rules of the community's region. Public, and nothing sent here
/// names a person.
#[utoipa::path(
    tag = "precheck",
    request_body = PrecheckIn,
    responses(
        (status = 200, description = "Suggestions (possibly none)", body = PrecheckOut),
        (status = 422, description = "No such community (`REGION_NOT_FOUND`) or no rules there (`NO_PRECHECK_RULES`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/precheck")]
pub async fn run_precheck(state: SharedState, body: JsonBody<PrecheckIn>) -> Result<web::Json<PrecheckOut>, ApiError> {
    Ok(web::Json(service::run(&state.db, &body.0).await?))
}

/// The pre-check rules that apply in a region (its own or the nearest above it). Public: the
/// rules are policy, not personal data.
#[utoipa::path(
    tag = "precheck",
    params(("code" = String, Path, description = "A region code (6, 9 or 12 digits)")),
    responses(
        (status = 200, description = "The rules", body = RuleSetOut),
        (status = 404, description = "No such region, or no rules for it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/precheck/rules/{code}")]
pub async fn get_precheck_rules(
    state: SharedState,
    code: web::Path<String>,
) -> Result<web::Json<RuleSetOut>, ApiError> {
    let code = RegionCode::parse(&code).map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    let set = service::effective(&state.db, &code).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(web::Json(set))
}

/// Set a region's pre-check rules and its 低保 standard (admin). Rules name catalog items and
/// conditions on household facts; the most specific region's set applies.
#[utoipa::path(
    tag = "precheck",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "A region code (6, 9 or 12 digits)")),
    request_body = RuleSetIn,
    responses(
        (status = 201, description = "The region had no rules of its own", body = RuleSetOut),
        (status = 200, description = "Replaced", body = RuleSetOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rules (`UNKNOWN_ITEM`, `INVALID_RULE`, `INVALID_CONDITION`, `OUT_OF_RANGE`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/precheck/rules/{code}")]
pub async fn put_precheck_rules(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    code: web::Path<String>,
    body: JsonBody<RuleSetIn>,
) -> Result<HttpResponse, ApiError> {
    let code = RegionCode::parse(&code).map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    regions::find(&state.db, &code).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let (set, created) = service::put(&state.db, Some(&caller.principal), &code, body.0).await?;
    Ok(if created { HttpResponse::Created().json(set) } else { HttpResponse::Ok().json(set) })
}
