//! `sync_touch` (PostgreSQL) in PL/pgSQL instead of SQL. Every write to a watched table calls it
//! from its trigger; a SQL-language function called from PL/pgSQL is parsed and planned again on
//! every call, a PL/pgSQL one keeps its plan for the session. Measured on 2,000 drafts (seven
//! writes each, in one transaction): 570 ms with the SQL function, 263 ms with this one, 113 ms
//! without triggers. The statement and its guard are unchanged. SQLite's triggers hold their
//! statements inline and are left as they are.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATEMENT: &str = "
    INSERT INTO sync_changes (entity, entity_id, community_code, deleted, seq, changed_at)
    VALUES (p_entity, p_id, p_community, p_deleted, NULL, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
    ON CONFLICT (entity, entity_id) DO UPDATE
    SET community_code = EXCLUDED.community_code, deleted = EXCLUDED.deleted, seq = NULL,
        changed_at = EXCLUDED.changed_at
    -- A record changed again before it was numbered needs no new row version. The row is locked
    -- all the same (ON CONFLICT DO UPDATE locks it even when WHERE is false), so the numbering,
    -- which skips locked rows, waits for this transaction to end.
    WHERE sync_changes.seq IS NOT NULL OR sync_changes.deleted <> EXCLUDED.deleted
       OR sync_changes.community_code IS DISTINCT FROM EXCLUDED.community_code";

fn function(language: &str) -> String {
    let body = if language == "plpgsql" { format!("BEGIN {STATEMENT}; END") } else { STATEMENT.to_owned() };
    format!(
        "CREATE OR REPLACE FUNCTION sync_touch(p_entity text, p_id text, p_community text, p_deleted boolean)
         RETURNS void LANGUAGE {language} AS $$ {body} $$;"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared(&function("plpgsql")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared(&function("sql")).await?;
        }
        Ok(())
    }
}
