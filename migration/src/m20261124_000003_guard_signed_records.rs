//! Evidence stays as written, on PostgreSQL and SQLite alike: a signed authorization only ever
//! gains its revocation (time and reason) and is never deleted; application events are
//! append-only.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_GUARD: &str = r"
CREATE FUNCTION authorizations_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'authorizations are never deleted';
    END IF;
    IF OLD.revoked_at IS NOT NULL
       OR (NEW.id, NEW.application_id, NEW.text_version, NEW.text_hash, NEW.scope, NEW.signer_member_id,
           NEW.signer_capacity, NEW.signer_relation, NEW.covers, NEW.signature_document_id, NEW.device,
           NEW.recorded_by, NEW.signed_at)
          IS DISTINCT FROM
          (OLD.id, OLD.application_id, OLD.text_version, OLD.text_hash, OLD.scope, OLD.signer_member_id,
           OLD.signer_capacity, OLD.signer_relation, OLD.covers, OLD.signature_document_id, OLD.device,
           OLD.recorded_by, OLD.signed_at) THEN
        RAISE EXCEPTION 'a signed authorization only gains its revocation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER authorizations_immutable BEFORE UPDATE OR DELETE ON authorizations
    FOR EACH ROW EXECUTE FUNCTION authorizations_immutable();
CREATE FUNCTION application_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'application_events is append-only';
END $$;
CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
    FOR EACH ROW EXECUTE FUNCTION application_events_append_only();
";

const SQLITE_GUARD: &str = r"
CREATE TRIGGER authorizations_no_delete BEFORE DELETE ON authorizations
BEGIN SELECT RAISE(ABORT, 'authorizations are never deleted'); END;
CREATE TRIGGER authorizations_only_revocation BEFORE UPDATE ON authorizations
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.application_id IS NOT OLD.application_id
  OR NEW.text_version IS NOT OLD.text_version OR NEW.text_hash IS NOT OLD.text_hash
  OR NEW.scope IS NOT OLD.scope OR NEW.signer_member_id IS NOT OLD.signer_member_id
  OR NEW.signer_capacity IS NOT OLD.signer_capacity OR NEW.signer_relation IS NOT OLD.signer_relation
  OR NEW.covers IS NOT OLD.covers OR NEW.signature_document_id IS NOT OLD.signature_document_id
  OR NEW.device IS NOT OLD.device OR NEW.recorded_by IS NOT OLD.recorded_by OR NEW.signed_at IS NOT OLD.signed_at
BEGIN SELECT RAISE(ABORT, 'a signed authorization only gains its revocation'); END;
CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let guard = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_GUARD,
            _ => SQLITE_GUARD,
        };
        manager.get_connection().execute_unprepared(guard).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "DROP TRIGGER authorizations_immutable ON authorizations; DROP FUNCTION authorizations_immutable();
                 DROP TRIGGER application_events_no_update ON application_events;
                 DROP FUNCTION application_events_append_only();"
            }
            _ => {
                "DROP TRIGGER authorizations_no_delete; DROP TRIGGER authorizations_only_revocation;
                 DROP TRIGGER application_events_no_update;"
            }
        };
        manager.get_connection().execute_unprepared(drop).await?;
        Ok(())
    }
}
