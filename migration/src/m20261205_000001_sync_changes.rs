//! What a helper's phone pulls: one row per record a phone may hold (an application with its
//! members, items, documents and signatures; a check-in period; a check-in task; an aid item; a
//! region), with the community that may see it, whether it was deleted (a tombstone), and its
//! place in the server's change sequence.
//!
//! Triggers keep the rows, on PostgreSQL and SQLite alike, so no code path that changes a record
//! can forget to: every change sets the row's `seq` to NULL. Sequence numbers are handed out
//! later, by the puller under a lock, to the rows whose change has committed (see
//! `api::sync::changes`): a transaction that commits late gets a number above every number a
//! phone has already seen, so a cursor never skips it. `sync_sequence` keeps the last number
//! handed out, and the highest number of a purged tombstone (below it a cursor is too old).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncChanges {
    Table,
    Entity,
    EntityId,
    CommunityCode,
    Deleted,
    Seq,
    ChangedAt,
}

#[derive(DeriveIden)]
enum SyncSequence {
    Table,
    Id,
    LastSeq,
    PurgedThrough,
}

/// Where a watched table's rows land.
enum Source {
    /// The row is the record: its id (or code) column and its community column, if any.
    Own { entity: &'static str, id: &'static str, community: Option<&'static str> },
    /// The row is part of an application (`application_id`).
    PartOfApplication,
}

const WATCHED: &[(&str, Source)] = &[
    ("applications", Source::Own { entity: "application", id: "id", community: Some("community_code") }),
    ("application_items", Source::PartOfApplication),
    ("household_members", Source::PartOfApplication),
    ("application_documents", Source::PartOfApplication),
    ("authorizations", Source::PartOfApplication),
    ("checkin_cycles", Source::Own { entity: "checkin_period", id: "id", community: Some("community_code") }),
    ("checkin_tasks", Source::Own { entity: "checkin_task", id: "id", community: Some("community_code") }),
    ("aid_items", Source::Own { entity: "aid_item", id: "code", community: None }),
    ("regions", Source::Own { entity: "region", id: "code", community: None }),
];

const PG_TOUCH: &str = r"
CREATE FUNCTION sync_touch(p_entity text, p_id text, p_community text, p_deleted boolean) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO sync_changes (entity, entity_id, community_code, deleted, seq, changed_at)
    VALUES (p_entity, p_id, p_community, p_deleted, NULL, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
    ON CONFLICT (entity, entity_id) DO UPDATE
    SET community_code = EXCLUDED.community_code, deleted = EXCLUDED.deleted, seq = NULL,
        changed_at = EXCLUDED.changed_at
    -- A record changed again before it was numbered needs no new row version. The row is locked
    -- all the same (ON CONFLICT DO UPDATE locks it even when WHERE is false), so the numbering,
    -- which skips locked rows, waits for this transaction to end.
    WHERE sync_changes.seq IS NOT NULL OR sync_changes.deleted <> EXCLUDED.deleted
       OR sync_changes.community_code IS DISTINCT FROM EXCLUDED.community_code
$$;
";

fn pg_trigger(table: &str, source: &Source) -> String {
    let body = match source {
        Source::Own { entity, id, community } => {
            let community = |row: &str| community.map_or("NULL".to_owned(), |c| format!("{row}.{c}"));
            format!(
                "IF TG_OP = 'DELETE' THEN
                     PERFORM sync_touch('{entity}', OLD.{id}::text, {old}, true);
                 ELSE
                     PERFORM sync_touch('{entity}', NEW.{id}::text, {new}, false);
                 END IF;",
                old = community("OLD"),
                new = community("NEW"),
            )
        }
        Source::PartOfApplication => "PERFORM sync_touch('application', a.id::text, a.community_code, false)
                 FROM applications a
                 WHERE a.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.application_id ELSE NEW.application_id END;"
            .to_owned(),
    };
    format!(
        "CREATE FUNCTION sync_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             {body}
             RETURN NULL;
         END $$;
         CREATE TRIGGER sync_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
             FOR EACH ROW EXECUTE FUNCTION sync_{table}();
"
    )
}

const SQLITE_NOW: &str = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/// SQLite stores UUIDs as 16-byte blobs; the change row names them in hex.
fn sqlite_id(row: &str, col: &str) -> String {
    if col == "id" { format!("lower(hex({row}.{col}))") } else { format!("{row}.{col}") }
}

fn sqlite_triggers(table: &str, source: &Source) -> String {
    let upsert = "ON CONFLICT (entity, entity_id) DO UPDATE
         SET community_code = excluded.community_code, deleted = excluded.deleted, seq = NULL,
             changed_at = excluded.changed_at
         WHERE sync_changes.seq IS NOT NULL OR sync_changes.deleted <> excluded.deleted
            OR sync_changes.community_code IS NOT excluded.community_code";
    let mut sql = String::new();
    for event in ["INSERT", "UPDATE", "DELETE"] {
        let row = if event == "DELETE" { "OLD" } else { "NEW" };
        let insert = match source {
            Source::Own { entity, id, community } => format!(
                "INSERT INTO sync_changes (entity, entity_id, community_code, deleted, seq, changed_at)
                 VALUES ('{entity}', {id}, {community}, {deleted}, NULL, {SQLITE_NOW})",
                id = sqlite_id(row, id),
                community = community.map_or("NULL".to_owned(), |c| format!("{row}.{c}")),
                deleted = i32::from(event == "DELETE"),
            ),
            Source::PartOfApplication => format!(
                "INSERT INTO sync_changes (entity, entity_id, community_code, deleted, seq, changed_at)
                 SELECT 'application', lower(hex(a.id)), a.community_code, 0, NULL, {SQLITE_NOW}
                 FROM applications a WHERE a.id = {row}.application_id"
            ),
        };
        let name = event.to_lowercase();
        sql.push_str(&format!(
            "CREATE TRIGGER sync_{table}_{name} AFTER {event} ON {table} BEGIN {insert} {upsert}; END;\n"
        ));
    }
    sql
}

/// The records already there, as changes not yet numbered.
fn backfill(table: &str, source: &Source, backend: DatabaseBackend) -> Option<String> {
    let Source::Own { entity, id, community } = source else {
        return None;
    };
    let community = community.unwrap_or("NULL");
    let (id, now) = match backend {
        DatabaseBackend::Postgres => {
            (format!("{id}::text"), "(extract(epoch FROM clock_timestamp()) * 1000)::bigint".to_owned())
        }
        _ => (sqlite_id(table, id), SQLITE_NOW.to_owned()),
    };
    Some(format!(
        "INSERT INTO sync_changes (entity, entity_id, community_code, deleted, seq, changed_at)
         SELECT '{entity}', {id}, {community}, false, NULL, {now} FROM {table};"
    ))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncChanges as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Entity).string_len(24).not_null())
                    .col(ColumnDef::new(C::EntityId).string_len(40).not_null())
                    .col(ColumnDef::new(C::CommunityCode).string_len(12))
                    .col(ColumnDef::new(C::Deleted).boolean().not_null())
                    .col(ColumnDef::new(C::Seq).big_integer())
                    .col(ColumnDef::new(C::ChangedAt).big_integer().not_null())
                    .primary_key(Index::create().col(C::Entity).col(C::EntityId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_sync_changes__seq").table(C::Table).col(C::Seq).to_owned())
            .await?;
        use SyncSequence as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(ColumnDef::new(S::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(S::LastSeq).big_integer().not_null())
                    .col(ColumnDef::new(S::PurgedThrough).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO sync_sequence (id, last_seq, purged_through) VALUES (1, 0, 0)").await?;
        let backend = manager.get_database_backend();
        let mut sql = String::new();
        if backend == DatabaseBackend::Postgres {
            sql.push_str(PG_TOUCH);
        }
        for (table, source) in WATCHED {
            sql.push_str(&match backend {
                DatabaseBackend::Postgres => pg_trigger(table, source),
                _ => sqlite_triggers(table, source),
            });
            if let Some(rows) = backfill(table, source, backend) {
                sql.push_str(&rows);
            }
        }
        db.execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut sql = String::new();
        for (table, _) in WATCHED {
            match backend {
                DatabaseBackend::Postgres => {
                    sql.push_str(&format!("DROP TRIGGER sync_{table} ON {table}; DROP FUNCTION sync_{table}();\n"));
                }
                _ => {
                    for event in ["insert", "update", "delete"] {
                        sql.push_str(&format!("DROP TRIGGER sync_{table}_{event};\n"));
                    }
                }
            }
        }
        if backend == DatabaseBackend::Postgres {
            sql.push_str("DROP FUNCTION sync_touch(text, text, text, boolean);\n");
        }
        manager.get_connection().execute_unprepared(&sql).await?;
        for table in [SyncSequence::Table.into_iden(), SyncChanges::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
