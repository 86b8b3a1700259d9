//! Supervision tickets: one per kind and item (a unique key, so a job on several nodes opens each
//! once), listed for the district and township, closed with an outcome. Nobody closes the
//! oversight of their own decisions: the district closes every kind but `materials_overdue`, which
//! the township follows up itself; the township answers the others (`answers`).

use chrono::{NaiveDate, Utc};
use entity::{application, supervision_ticket};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::Value;
use uuid::Uuid;

use super::model::{CloseTicketIn, TicketAnswerOut, TicketOut, TicketQuery};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Scope;

/// An item past its legal deadline.
pub const OVERDUE: &str = "overdue";
/// A township proposal waiting for the district (district-level item, amount above the limit).
pub const DISTRICT_CONFIRMATION: &str = "district_confirmation";
/// A rejection escalated for a second look (提级复审).
pub const REJECTION_REVIEW: &str = "rejection_review";
/// A decision drawn in the monthly sample (neighbour visit, file check, phone callback).
pub const SAMPLE_REVIEW: &str = "sample_review";
/// An emergency approval's materials arrived: review the case again.
pub const EMERGENCY_RE_REVIEW: &str = "emergency_re_review";
/// Materials asked for did not arrive by their date.
pub const MATERIALS_OVERDUE: &str = "materials_overdue";

/// Whether a ticket of `kind` is the district's to close: it oversees the township's own decision
/// (an emergency approval, a rejection, a sampled decision, a proposal) or its delay. Only the
/// applicant's late materials are the township's to follow up and close.
pub fn closed_by_district(kind: &str) -> bool {
    kind != MATERIALS_OVERDUE
}

/// Opens a ticket unless one of this kind is already there for the item; true when opened.
pub async fn open(
    db: &impl ConnectionTrait,
    kind: &'static str,
    app: &application::Model,
    item_code: &str,
    due: Option<NaiveDate>,
    details: Value,
) -> Result<bool, ApiError> {
    let row = supervision_ticket::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.to_owned()),
        application_id: Set(app.id),
        item_code: Set(item_code.to_owned()),
        township_code: Set(app.township_code.clone()),
        district_code: Set(app.district_code.clone()),
        status: Set("open".to_owned()),
        opened_at: Set(Utc::now()),
        due_date: Set(due),
        closed_at: Set(None),
        closed_by: Set(None),
        outcome: Set(None),
        details: Set(details),
        answer: Set(None),
        answered_at: Set(None),
        answered_by: Set(None),
    };
    let inserted = supervision_ticket::Entity::insert(row)
        .on_conflict_do_nothing_on([
            supervision_ticket::Column::Kind,
            supervision_ticket::Column::ApplicationId,
            supervision_ticket::Column::ItemCode,
        ])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)))
}

/// Closes the open ticket of `kind` for the item, if any.
pub async fn close_kind(
    db: &impl ConnectionTrait,
    kind: &str,
    application_id: Uuid,
    item_code: &str,
    by: &Principal,
    outcome: &str,
) -> Result<(), ApiError> {
    supervision_ticket::Entity::update_many()
        .col_expr(supervision_ticket::Column::Status, Expr::value("closed"))
        .col_expr(supervision_ticket::Column::ClosedAt, Expr::value(Some(Utc::now())))
        .col_expr(supervision_ticket::Column::ClosedBy, Expr::value(Some(by.account_id)))
        .col_expr(supervision_ticket::Column::Outcome, Expr::value(Some(outcome.to_owned())))
        .filter(supervision_ticket::Column::Kind.eq(kind))
        .filter(supervision_ticket::Column::ApplicationId.eq(application_id))
        .filter(supervision_ticket::Column::ItemCode.eq(item_code))
        .filter(supervision_ticket::Column::Status.eq("open"))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn list(state: &AppState, principal: &Principal, query: &TicketQuery) -> Result<Vec<TicketOut>, ApiError> {
    let area = Scope::overseer(principal)?;
    let mut select =
        supervision_ticket::Entity::find()
            .filter(area.filter_above_community(
                supervision_ticket::Column::TownshipCode,
                supervision_ticket::Column::DistrictCode,
            ))
            .filter(supervision_ticket::Column::Status.eq(query.status.as_deref().unwrap_or("open")));
    if let Some(kind) = &query.kind {
        select = select.filter(supervision_ticket::Column::Kind.eq(kind.as_str()));
    }
    if let Some(township) = &query.township {
        select = select.filter(supervision_ticket::Column::TownshipCode.eq(township.as_str()));
    }
    let rows = select.order_by_asc(supervision_ticket::Column::OpenedAt).limit(500).all(&state.db).await?;
    ticket_outs(state, rows).await
}

/// The ticket `id` if it lies in `area` (404 otherwise).
pub(super) async fn in_area(state: &AppState, area: &Scope, id: Uuid) -> Result<supervision_ticket::Model, ApiError> {
    supervision_ticket::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|t| area.covers_township(&t.township_code))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// 409 with the status unless the ticket is still open.
pub(super) fn ensure_open(ticket: &supervision_ticket::Model) -> Result<(), ApiError> {
    if ticket.status == "open" {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::Conflict).with_current(serde_json::json!({ "status": ticket.status })))
}

/// Closes a ticket with its outcome; closing an emergency re-review clears the case's flag. A
/// township closes only what is its own to follow up (`closed_by_district`); the rest is 403
/// `TICKET_CLOSED_BY_DISTRICT`, and it answers them instead.
pub async fn close(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: CloseTicketIn,
) -> Result<TicketOut, ApiError> {
    let area = Scope::overseer(principal)?;
    let ticket = in_area(state, &area, id).await?;
    if matches!(area, Scope::Township(_)) && closed_by_district(&ticket.kind) {
        return Err(ApiError::new(ErrorCode::TicketClosedByDistrict));
    }
    let outcome = crate::error::field_note("outcome", Some(&input.outcome), 2)?.unwrap_or_default();
    ensure_open(&ticket)?;
    let mut uow = UnitOfWork::begin(&state.db).await?;
    close_kind(uow.txn(), &ticket.kind, ticket.application_id, &ticket.item_code, principal, &outcome).await?;
    if ticket.kind == EMERGENCY_RE_REVIEW {
        application::Entity::update_many()
            .col_expr(application::Column::ReReview, Expr::value(false))
            .col_expr(application::Column::Version, Expr::col(application::Column::Version).add(1))
            .filter(application::Column::Id.eq(ticket.application_id))
            .exec(uow.txn())
            .await?;
        crate::progress::changed(&mut uow, ticket.application_id);
    }
    crate::progress::forget_cached(&mut uow, ticket.application_id);
    uow.commit(state).await?;
    reload(state, id).await
}

/// The ticket as it is now, for the answer to a change.
pub(super) async fn reload(state: &AppState, id: Uuid) -> Result<TicketOut, ApiError> {
    let row = supervision_ticket::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    ticket_outs(state, vec![row]).await?.pop().ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

async fn ticket_outs(state: &AppState, rows: Vec<supervision_ticket::Model>) -> Result<Vec<TicketOut>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|t| t.application_id).collect();
    let numbers: Vec<(Uuid, Option<String>)> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .column(application::Column::Number)
        .filter(application::Column::Id.is_in(ids))
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| TicketOut {
            number: numbers.iter().find(|(id, _)| *id == t.application_id).and_then(|(_, n)| n.clone()),
            id: t.id,
            closed_by_district: closed_by_district(&t.kind),
            kind: t.kind,
            application_id: t.application_id,
            item_code: (!t.item_code.is_empty()).then_some(t.item_code),
            township_code: t.township_code,
            status: t.status,
            opened_at: t.opened_at,
            due_date: t.due_date,
            closed_at: t.closed_at,
            outcome: t.outcome,
            answer: t.answer.map(|explanation| TicketAnswerOut {
                explanation,
                answered_at: t.answered_at,
                answered_by: t.answered_by,
            }),
            details: t.details,
        })
        .collect())
}
