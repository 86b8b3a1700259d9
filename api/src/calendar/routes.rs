use actix_web::{get, put, web};

use super::model::{CalendarYear, CalendarYearOut};
use super::service;
use crate::auth::principal::{AdminOnly, Authorized};
use crate::error::{ApiError, Problem};
use crate::http::JsonBody;
use crate::state::SharedState;

/// The working-day calendar of a year: holidays and make-up workdays. Public.
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "2000 to 2100")),
    responses(
        (status = 200, description = "The year's exceptions to the Monday-to-Friday week", body = CalendarYearOut),
        (status = 400, description = "Not a year (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/calendar/{year}")]
pub async fn get_calendar_year(
    state: SharedState,
    year: web::Path<i32>,
) -> Result<web::Json<CalendarYearOut>, ApiError> {
    Ok(web::Json(service::get_year(&state.db, year.into_inner()).await?))
}

/// Replace a year's holidays and make-up workdays (admin), when the State Council publishes them.
/// Deadlines set afterwards count with it; deadlines already set stay.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "2000 to 2100")),
    request_body = CalendarYear,
    responses(
        (status = 200, description = "The year as stored", body = CalendarYearOut),
        (status = 400, description = "Not a year from 2000 to 2100 (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`OUT_OF_RANGE`, `DUPLICATE`, `NOT_A_WEEKEND`, `INVALID_TEXT`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/calendar/{year}")]
pub async fn put_calendar_year(
    state: SharedState,
    _caller: Authorized<AdminOnly>,
    year: web::Path<i32>,
    body: JsonBody<CalendarYear>,
) -> Result<web::Json<CalendarYearOut>, ApiError> {
    Ok(web::Json(service::put_year(&state.db, year.into_inner(), body.0).await?))
}
