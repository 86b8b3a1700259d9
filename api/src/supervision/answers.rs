//! The township's answer to a ticket the district closes: its explanation (what it checked, why
//! it decided so, what it did about the delay), kept on the ticket for the district to read
//! before closing it. A later answer replaces the shown one; every answer stays in the audit log.

use chrono::Utc;
use entity::supervision_ticket;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::model::{AnswerTicketIn, TicketOut};
use super::tickets;
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, Message};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Scope;

/// Records the township's explanation on an open ticket of its township; the district does not
/// answer its own tickets (403).
pub async fn answer(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: AnswerTicketIn,
) -> Result<TicketOut, ApiError> {
    let area = Scope::overseer(principal)?;
    if !matches!(area, Scope::Township(_)) {
        return Err(ApiError::new(ErrorCode::Forbidden).with_detail(Message::new(
            "说明由被督办的乡镇提交;区县请查看说明后关闭事项。",
            "The township answers a ticket; the district reads the answer and closes it.",
        )));
    }
    let ticket = tickets::in_area(state, &area, id).await?;
    let explanation = crate::error::field_note("explanation", Some(&input.explanation), 2)?.unwrap_or_default();
    tickets::ensure_open(&ticket)?;
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let updated = supervision_ticket::Entity::update_many()
        .col_expr(supervision_ticket::Column::Answer, Expr::value(Some(explanation.clone())))
        .col_expr(supervision_ticket::Column::AnsweredAt, Expr::value(Some(Utc::now())))
        .col_expr(supervision_ticket::Column::AnsweredBy, Expr::value(Some(principal.account_id)))
        .filter(supervision_ticket::Column::Id.eq(id))
        .filter(supervision_ticket::Column::Status.eq("open"))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        // Closed by the district between the read and this write.
        return Err(ApiError::new(ErrorCode::Conflict).with_current(json!({ "status": "closed" })));
    }
    AuditEvent::new("supervision.ticket.answered")
        .by(principal)
        .on("supervision_ticket", id)
        .in_region(Some(&ticket.township_code))
        .details(json!({ "kind": ticket.kind, "application_id": ticket.application_id, "explanation": explanation }))
        .record(txn)
        .await?;
    uow.commit(state).await?;
    tickets::reload(state, id).await
}
