//! The shared moves of every review step: the guarded status change with the items that follow
//! it, the event and the notification, all in the step's unit of work; the progress snapshot is
//! rebuilt once before its commit and the cached answer deleted after it, and the application is
//! answered as it now is.

use chrono::Utc;
use entity::{application, application_item};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::machine::{self, Action};
use crate::applications::model::ApplicationOut;
use crate::applications::{ScopedApplication, events, view};
use crate::error::{ApiError, ErrorCode};
use crate::notifications::outbox;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::{ItemStatus, Status};

/// The items still waiting for the township's decision.
pub const AWAITING: [&str; 4] = ["submitted", "accepted", "returned", "investigating"];

/// One status change, as `move_to` writes it.
pub struct Move<'a> {
    pub scope: &'a ScopedApplication,
    pub action: Action,
    pub from: Status,
    pub to: Status,
    /// More columns of the application to set.
    pub set: Vec<(application::Column, SimpleExpr)>,
    /// The event's details (`note`, `missing`, ...).
    pub details: Value,
}

/// In the unit of work: the application moves only from the version it was read at (a
/// concurrent step makes this one 409), the undecided items follow, the event and the
/// notification are written; its progress is refreshed once, at the commit.
pub async fn move_to(uow: &mut UnitOfWork, step: Move<'_>) -> Result<(), ApiError> {
    let id = step.scope.application().id;
    move_in(uow.txn(), step).await?;
    crate::progress::changed(uow, id);
    Ok(())
}

/// `move_to`'s writes in a transaction the caller owns (an offline withdrawal in a sync batch),
/// which refreshes the progress snapshot itself.
pub async fn move_in(txn: &DatabaseTransaction, step: Move<'_>) -> Result<(), ApiError> {
    let app = &step.scope.application();
    let now = Utc::now();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(step.to.as_str()))
        .col_expr(application::Column::Version, Expr::value(app.version + 1))
        .col_expr(application::Column::UpdatedAt, Expr::value(now));
    for (column, value) in step.set {
        update = update.col_expr(column, value);
    }
    let done = update
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Version.eq(app.version))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        let current = application::Entity::find_by_id(app.id).one(txn).await?;
        return Err(machine::stale(json!({
            "status": current.as_ref().map(|a| a.status.clone()),
            "version": current.map(|a| a.version),
        })));
    }
    follow_items(txn, app.id, step.to).await?;
    let details = with_signer(step.details, step.scope);
    events::record(txn, app.id, step.action.event(), Some((Some(step.from), step.to)), step.scope.principal(), details)
        .await?;
    outbox::enqueue(txn, app, step.action.event(), step.to, now).await?;
    Ok(())
}

/// An event without a status change (a partial decision, supplemented emergency materials):
/// the version still moves, so readers know something changed.
pub async fn record_step(
    uow: &mut UnitOfWork,
    scope: &ScopedApplication,
    action: Action,
    details: Value,
) -> Result<(), ApiError> {
    let app = scope.application();
    let txn = uow.txn();
    let now = Utc::now();
    application::Entity::update_many()
        .col_expr(application::Column::Version, Expr::col(application::Column::Version).add(1))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(app.id))
        .exec(txn)
        .await?;
    events::record(txn, app.id, action.event(), None, scope.principal(), with_signer(details, scope)).await?;
    let status = Status::parse(&app.status).unwrap_or(Status::Draft);
    outbox::enqueue(txn, app, action.event(), status, now).await?;
    crate::progress::changed(uow, app.id);
    Ok(())
}

/// Undecided items take the application's new status; on withdrawal they stop holding the
/// person's "one open application per item" slot.
async fn follow_items(txn: &DatabaseTransaction, application_id: Uuid, to: Status) -> Result<(), ApiError> {
    let Some(status) = ItemStatus::following(to) else { return Ok(()) };
    let mut update = application_item::Entity::update_many()
        .col_expr(application_item::Column::Status, Expr::value(status.as_str()))
        .filter(application_item::Column::ApplicationId.eq(application_id));
    if to == Status::Withdrawn {
        let open = [&AWAITING[..], &[ItemStatus::PendingDistrict.as_str()]].concat();
        update = update
            .col_expr(application_item::Column::OpenSubjectIndex, Expr::value(Option::<String>::None))
            .filter(application_item::Column::Status.is_in(open));
    } else {
        update = update.filter(application_item::Column::Status.is_in(AWAITING));
    }
    update.exec(txn).await?;
    Ok(())
}

fn with_signer(mut details: Value, scope: &ScopedApplication) -> Value {
    if let Value::Object(map) = &mut details {
        map.retain(|_, v| !Value::is_null(v));
        map.insert("actor_account_id".to_owned(), json!(scope.principal().account_id));
    }
    details
}

/// Ends a step: commits its unit of work (the progress cache forgets the old answer after the
/// commit), and the caller gets the new state.
pub async fn finish(mut uow: UnitOfWork, state: &AppState, id: Uuid) -> Result<ApplicationOut, ApiError> {
    crate::progress::forget_cached(&mut uow, id);
    uow.commit(state).await?;
    let app =
        application::Entity::find_by_id(id).one(&state.db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    view::load(&state.db, app).await
}
