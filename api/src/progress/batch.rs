//! Snapshot reads in batches. Without Redis every progress read is a database read; under load
//! the reads waiting at one moment go out as one `WHERE application_id IN (…)` query instead of one
//! round trip each (the DataLoader pattern). Nothing waits for a batch to fill: a batch is what
//! queued while the previous ones were in flight, so a lone read goes out at once.

use std::sync::Arc;

use entity::progress_snapshot;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::{Semaphore, mpsc, oneshot};
use uuid::Uuid;

use super::cache::Access;
use crate::error::ApiError;

type Found = Option<(Access, Vec<u8>)>;
type Reply = oneshot::Sender<Result<Found, String>>;

/// The largest batch, and how many batches may be in flight at once.
const MAX_BATCH: usize = 128;
const IN_FLIGHT: usize = 4;

#[derive(Clone)]
pub struct SnapshotReader {
    queue: mpsc::Sender<(Uuid, Reply)>,
}

impl SnapshotReader {
    /// Starts the batching task on the current runtime.
    pub fn spawn(db: DatabaseConnection) -> Self {
        let (queue, requests) = mpsc::channel(4096);
        tokio::spawn(run(db, requests));
        Self { queue }
    }

    /// The stored answer of application `id` with who may read it, when there is one.
    pub async fn read(&self, id: Uuid) -> Result<Found, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((id, reply)).await.map_err(|_| ApiError::internal("the snapshot reader stopped"))?;
        match answer.await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(error)) => Err(ApiError::unavailable(error)),
            Err(_) => Err(ApiError::internal("the snapshot reader dropped a read")),
        }
    }
}

async fn run(db: DatabaseConnection, mut requests: mpsc::Receiver<(Uuid, Reply)>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else { return };
        let Some(first) = requests.recv().await else { return };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let db = db.clone();
        tokio::spawn(async move {
            answer(&db, batch).await;
            drop(permit);
        });
    }
}

async fn answer(db: &DatabaseConnection, batch: Vec<(Uuid, Reply)>) {
    let mut ids: Vec<Uuid> = batch.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows =
        progress_snapshot::Entity::find().filter(progress_snapshot::Column::ApplicationId.is_in(ids)).all(db).await;
    match rows {
        Ok(rows) => {
            for (id, reply) in batch {
                let found = rows.iter().find(|r| r.application_id == id).map(|row| {
                    let access = Access {
                        subject_account_id: row.subject_account_id,
                        actor_account_id: row.actor_account_id,
                        community_code: row.community_code.clone(),
                        status: row.status.clone(),
                    };
                    (access, row.body.clone().into_bytes())
                });
                let _ = reply.send(Ok(found));
            }
        }
        Err(error) => {
            let error = error.to_string();
            for (_, reply) in batch {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}
