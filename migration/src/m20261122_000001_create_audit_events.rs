//! The append-only audit log: sign-ins, permission changes and staff reads of personal files.
//! Updates and deletes are refused by a trigger, on PostgreSQL and SQLite alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorId,
    ActorRole,
    Action,
    TargetType,
    TargetId,
    RegionCode,
    RequestId,
    Details,
}

const PG_GUARD: &str = r"
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
";

const SQLITE_GUARD: &str = r"
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(ColumnDef::new(AuditEvents::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AuditEvents::OccurredAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuditEvents::ActorId).uuid())
                    .col(ColumnDef::new(AuditEvents::ActorRole).string_len(32))
                    .col(ColumnDef::new(AuditEvents::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditEvents::TargetType).string_len(64))
                    .col(ColumnDef::new(AuditEvents::TargetId).string_len(64))
                    .col(ColumnDef::new(AuditEvents::RegionCode).string_len(16))
                    .col(ColumnDef::new(AuditEvents::RequestId).string_len(64))
                    .col(ColumnDef::new(AuditEvents::Details).json_binary().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_audit_events__occurred_at", vec![AuditEvents::OccurredAt]),
            ("ix_audit_events__actor", vec![AuditEvents::ActorId, AuditEvents::OccurredAt]),
            ("ix_audit_events__target", vec![AuditEvents::TargetType, AuditEvents::TargetId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        let guard = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_GUARD,
            _ => SQLITE_GUARD,
        };
        manager.get_connection().execute_unprepared(guard).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditEvents::Table).to_owned()).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP FUNCTION audit_events_append_only()").await?;
        }
        Ok(())
    }
}
