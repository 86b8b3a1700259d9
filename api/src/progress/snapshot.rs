//! The progress answer kept in PostgreSQL, rebuilt in the transaction of every change after the
//! draft (submit, each review step, the deadline job, a revoked authorization): a crash between
//! steps cannot leave it behind the application, and the database path is one read.

use chrono::Utc;
use entity::{aid_item, application, application_event, application_item, progress_snapshot};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use super::build;
use super::model::ProgressOut;
use crate::error::{ApiError, ErrorCode};
use crate::vocab::Status;

/// Rebuilds the snapshot of application `id` from what `db` (the change's transaction) sees.
pub async fn refresh(db: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    let app = application::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if app.status == Status::Draft.as_str() {
        return Ok(());
    }
    let body = build::load(db, &app).await?;
    save(db, &app, &body).await
}

/// Writes the snapshot from the application's row, items and events as the caller holds them
/// (the submit, which wrote them): nothing is read back.
pub async fn write(
    db: &impl ConnectionTrait,
    app: &application::Model,
    items: &[(application_item::Model, Option<aid_item::Model>)],
    events: &[application_event::Model],
) -> Result<(), ApiError> {
    save(db, app, &build::assemble(app, items, events)).await
}

async fn save(db: &impl ConnectionTrait, app: &application::Model, body: &ProgressOut) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(ApiError::internal)?;
    let row = progress_snapshot::ActiveModel {
        application_id: Set(app.id),
        subject_account_id: Set(app.subject_account_id),
        actor_account_id: Set(app.actor_account_id),
        community_code: Set(app.community_code.clone()),
        status: Set(app.status.clone()),
        body: Set(body),
        updated_at: Set(Utc::now()),
    };
    let columns = [
        progress_snapshot::Column::SubjectAccountId,
        progress_snapshot::Column::ActorAccountId,
        progress_snapshot::Column::CommunityCode,
        progress_snapshot::Column::Status,
        progress_snapshot::Column::Body,
        progress_snapshot::Column::UpdatedAt,
    ];
    progress_snapshot::Entity::insert(row)
        .on_conflict(OnConflict::column(progress_snapshot::Column::ApplicationId).update_columns(columns).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}
