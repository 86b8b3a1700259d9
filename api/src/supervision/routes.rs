use actix_web::{get, post, web};
use uuid::Uuid;

use super::model::{
    AnswerTicketIn, CloseTicketIn, DeadlineItemOut, DeadlineQuery, FiguresOut, MonthQuery, SampleIn, SampleOut,
    TicketOut, TicketQuery,
};
use super::{answers, deadlines, figures, samples, tickets};
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, Query};
use crate::state::SharedState;
use crate::vocab::Principal;

/// Items near (75% of the time used) or past their legal deadline: the district supervisor's
/// whole district, a township reviewer's township.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(DeadlineQuery),
    responses(
        (status = 200, description = "The items, oldest due date first", body = Vec<DeadlineItemOut>),
        (status = 400, description = "`state` is not `overdue` or `warning`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query value with characters that cannot be read (control characters)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/supervision/deadlines")]
pub async fn list_deadlines(
    state: SharedState,
    principal: Principal,
    query: Query<DeadlineQuery>,
) -> Result<web::Json<Vec<DeadlineItemOut>>, ApiError> {
    Ok(web::Json(deadlines::list(&state, &principal, &query).await?))
}

/// Supervision tickets: overdue items, proposals waiting for the district, escalated rejections,
/// sampled decisions, emergency re-reviews, materials past their date.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(TicketQuery),
    responses(
        (status = 200, description = "The tickets, oldest first", body = Vec<TicketOut>),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query value with characters that cannot be read (control characters)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/supervision/tickets")]
pub async fn list_tickets(
    state: SharedState,
    principal: Principal,
    query: Query<TicketQuery>,
) -> Result<web::Json<Vec<TicketOut>>, ApiError> {
    Ok(web::Json(tickets::list(&state, &principal, &query).await?))
}

/// Close a ticket with what was found. Closing an emergency re-review clears the case's flag.
/// The district closes every kind but `materials_overdue`; a township reviewer closes only
/// `materials_overdue` and answers the others (`…/answer`).
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket")),
    request_body = CloseTicketIn,
    responses(
        (status = 200, description = "Closed", body = TicketOut),
        (status = 400, description = "Not a ticket id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer (`FORBIDDEN`; `ADMIN_NOT_CASE_WORKER` for an administrator), or a township closing a ticket the district closes (`TICKET_CLOSED_BY_DISTRICT`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's area", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An outcome of fewer than 2 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/supervision/tickets/{id}/close")]
pub async fn close_ticket(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<CloseTicketIn>,
) -> Result<web::Json<TicketOut>, ApiError> {
    Ok(web::Json(tickets::close(&state, &principal, id.into_inner(), body.0).await?))
}

/// The township's explanation on a ticket of its township, for the district to read before it
/// closes the ticket. A later answer replaces the shown one; each is audited.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket")),
    request_body = AnswerTicketIn,
    responses(
        (status = 200, description = "Answered: the ticket with `answer`", body = TicketOut),
        (status = 400, description = "Not a ticket id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the ticket's township reviewer (the district reads answers, it does not give them; `ADMIN_NOT_CASE_WORKER` for an administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's area", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An explanation of fewer than 2 or more than 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/supervision/tickets/{id}/answer")]
pub async fn answer_ticket(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<AnswerTicketIn>,
) -> Result<web::Json<TicketOut>, ApiError> {
    Ok(web::Json(answers::answer(&state, &principal, id.into_inner(), body.0).await?))
}

/// A month's figures per township: applications, decisions, average and p90 processing time in
/// working days, approval rate, overdue items.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The figures", body = FiguresOut),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/supervision/figures")]
pub async fn get_figures(
    state: SharedState,
    principal: Principal,
    query: Query<MonthQuery>,
) -> Result<web::Json<FiguresOut>, ApiError> {
    Ok(web::Json(figures::monthly(&state, &principal, &query.month).await?))
}

/// Draw the month's random sample of decided applications for every township of the district
/// (district supervisor). Each drawn application opens a `sample_review` ticket. Drawing a month
/// again returns the stored sample.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    request_body = SampleIn,
    responses(
        (status = 200, description = "The samples, one per township with decisions that month", body = Vec<SampleOut>),
        (status = 403, description = "Not a district supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/supervision/samples")]
pub async fn draw_samples(
    state: SharedState,
    principal: Principal,
    body: JsonBody<SampleIn>,
) -> Result<web::Json<Vec<SampleOut>>, ApiError> {
    Ok(web::Json(samples::draw_month(&state, &principal, &body.0.month).await?))
}

/// The samples drawn for a month.
#[utoipa::path(
    tag = "supervision",
    security(("bearer" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The samples", body = Vec<SampleOut>),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/supervision/samples")]
pub async fn list_samples(
    state: SharedState,
    principal: Principal,
    query: Query<MonthQuery>,
) -> Result<web::Json<Vec<SampleOut>>, ApiError> {
    Ok(web::Json(samples::list(&state, &principal, &query.month).await?))
}
