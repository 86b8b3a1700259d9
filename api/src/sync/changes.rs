//! The server's change sequence. Triggers (migration `m20261205_000001_sync_changes`) keep one
//! row per record with `seq` NULL after every change; [`number`] hands out sequence numbers to
//! the rows whose change has committed, in one statement under a lock, above every number handed
//! out before (`sync_sequence.last_seq`). A transaction that commits late is numbered when it
//! has committed, so its change lands above any cursor a phone already holds: no change is ever
//! skipped, whatever order transactions commit in. [`purge`] drops tombstones past their
//! retention and raises the horizon below which a cursor is too old.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, TransactionTrait};

/// The advisory lock that serialises numbering and purging across nodes ("jzsync").
const SEQUENCE_LOCK_KEY: i64 = 0x6a7a_7379_6e63;

const NUMBER_PG: &str = "
WITH pending AS (
    SELECT entity, entity_id, changed_at FROM sync_changes WHERE seq IS NULL
    ORDER BY changed_at, entity, entity_id
    FOR UPDATE SKIP LOCKED
), numbered AS (
    SELECT entity, entity_id,
           (SELECT last_seq FROM sync_sequence WHERE id = 1)
           + ROW_NUMBER() OVER (ORDER BY changed_at, entity, entity_id) AS seq
    FROM pending
)
UPDATE sync_changes s SET seq = n.seq FROM numbered n
WHERE s.entity = n.entity AND s.entity_id = n.entity_id";

const NUMBER_SQLITE: &str = "
UPDATE sync_changes SET seq = n.seq FROM (
    SELECT entity, entity_id,
           (SELECT last_seq FROM sync_sequence WHERE id = 1)
           + ROW_NUMBER() OVER (ORDER BY changed_at, entity, entity_id) AS seq
    FROM sync_changes WHERE seq IS NULL
) AS n
WHERE sync_changes.entity = n.entity AND sync_changes.entity_id = n.entity_id";

/// The numbers just handed out are the highest there are (a re-changed record loses its old
/// number, so the sequence's last number is kept apart from the rows).
const ADVANCE: &str = "
UPDATE sync_sequence SET last_seq = (SELECT MAX(seq) FROM sync_changes) WHERE id = 1";

/// Numbers the committed changes that have no number yet; returns how many.
pub async fn number(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let waiting = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT 1 AS waiting FROM sync_changes WHERE seq IS NULL LIMIT 1",
        ))
        .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let txn = db.begin().await?;
    let numbered = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SEQUENCE_LOCK_KEY})")).await?;
            txn.execute_unprepared(NUMBER_PG).await?
        }
        _ => txn.execute_unprepared(NUMBER_SQLITE).await?,
    };
    if numbered.rows_affected() > 0 {
        txn.execute_unprepared(ADVANCE).await?;
    }
    txn.commit().await?;
    Ok(numbered.rows_affected())
}

/// The sequence now: the lowest number a cursor may hold (below it, purged tombstones are
/// missing) and the highest number handed out.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub horizon: i64,
    pub top: i64,
}

pub async fn bounds(db: &impl ConnectionTrait) -> Result<Bounds, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT purged_through AS horizon, last_seq AS top FROM sync_sequence WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("sync_sequence".to_owned()))?;
    Ok(Bounds { horizon: row.try_get("", "horizon")?, top: row.try_get("", "top")? })
}

/// Deletes the numbered tombstones changed before `before_ms` (milliseconds since the epoch)
/// and raises the horizon to the highest number deleted; returns how many.
pub async fn purge(db: &DatabaseConnection, before_ms: i64) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    if backend == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SEQUENCE_LOCK_KEY})")).await?;
    }
    let (greatest, param) = if backend == DatabaseBackend::Postgres { ("GREATEST", "$1") } else { ("MAX", "?") };
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE sync_sequence SET purged_through = {greatest}(purged_through, COALESCE(
                 (SELECT MAX(seq) FROM sync_changes WHERE deleted AND seq IS NOT NULL AND changed_at < {param}),
                 0))
             WHERE id = 1"
        ),
        [before_ms.into()],
    ))
    .await?;
    let purged = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM sync_changes WHERE deleted AND seq IS NOT NULL AND changed_at < {param}"),
            [before_ms.into()],
        ))
        .await?;
    txn.commit().await?;
    Ok(purged.rows_affected())
}
