//! Snapshot reads in batches. Without Redis every progress read is a database read; under load
//! the reads waiting at one moment go out as one `WHERE application_id IN (…)` query instead of one
//! round trip each, through the state's [`SnapshotReader`] (batching itself is
//! `infra::batch`'s).

use std::collections::HashMap;

use entity::progress_snapshot;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::cache::Access;
use crate::error::ApiError;
use crate::infra::batch::{BatchError, BatchReader};
use crate::state::AppState;

/// Progress snapshot rows by application id, read in batches.
pub type SnapshotReader = BatchReader<Uuid, progress_snapshot::Model>;

/// Starts the reader on the current runtime.
pub fn spawn(db: DatabaseConnection) -> SnapshotReader {
    BatchReader::spawn(move |ids: Vec<Uuid>| {
        let db = db.clone();
        async move { load(&db, ids).await }
    })
}

async fn load(db: &DatabaseConnection, ids: Vec<Uuid>) -> Result<HashMap<Uuid, progress_snapshot::Model>, DbErr> {
    let rows =
        progress_snapshot::Entity::find().filter(progress_snapshot::Column::ApplicationId.is_in(ids)).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.application_id, row)).collect())
}

/// The stored answer of application `id` with who may read it, when there is one.
pub async fn read(state: &AppState, id: Uuid) -> Result<Option<(Access, Vec<u8>)>, ApiError> {
    let row = state.snapshots.read(id).await.map_err(|err| match err {
        BatchError::Stopped => ApiError::internal("the snapshot reader stopped"),
        BatchError::Dropped => ApiError::internal("the snapshot reader dropped a read"),
        BatchError::Failed(error) => ApiError::unavailable(error),
    })?;
    Ok(row.map(|row| {
        let access = Access {
            subject_account_id: row.subject_account_id,
            actor_account_id: row.actor_account_id,
            community_code: row.community_code,
            status: row.status,
        };
        (access, row.body.into_bytes())
    }))
}
