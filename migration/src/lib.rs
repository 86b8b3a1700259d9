//! Database migrations, one ordered list. Every migration has a real `down`.
//!
//! Conventions: snake_case plural table names; UUID primary keys named `id`; times as
//! `timestamp with time zone` in UTC; unique indexes named `uq_<table>__<column>` so that a
//! violation can name the field (see `api::error::db`).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_audit_events;
mod m20261123_000001_create_regions;
mod m20261123_000002_create_accounts;
mod m20261123_000003_create_aid_items;
mod m20261123_000004_create_service_points;
mod m20261124_000001_create_precheck_rules;
mod m20261124_000002_create_applications;
mod m20261124_000003_guard_signed_records;
mod m20261201_000001_document_photos;
mod m20261202_000001_review;
mod m20261203_000001_checkins;
mod m20261204_000001_sync;
mod m20261205_000001_sync_changes;
mod m20261205_000002_uploads;
mod m20261205_000003_idempotency_keys;
mod m20261206_000001_sync_touch_plpgsql;
mod m20261207_000001_imports;
mod m20261208_000001_monitoring;
mod m20261209_000001_ticket_answers;
mod m20261209_000002_refresh_replay;
mod m20261209_000003_sync_waiting;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_audit_events::Migration),
            Box::new(m20261123_000001_create_regions::Migration),
            Box::new(m20261123_000002_create_accounts::Migration),
            Box::new(m20261123_000003_create_aid_items::Migration),
            Box::new(m20261123_000004_create_service_points::Migration),
            Box::new(m20261124_000001_create_precheck_rules::Migration),
            Box::new(m20261124_000002_create_applications::Migration),
            Box::new(m20261124_000003_guard_signed_records::Migration),
            Box::new(m20261201_000001_document_photos::Migration),
            Box::new(m20261202_000001_review::Migration),
            Box::new(m20261203_000001_checkins::Migration),
            Box::new(m20261204_000001_sync::Migration),
            Box::new(m20261205_000001_sync_changes::Migration),
            Box::new(m20261205_000002_uploads::Migration),
            Box::new(m20261205_000003_idempotency_keys::Migration),
            Box::new(m20261206_000001_sync_touch_plpgsql::Migration),
            Box::new(m20261207_000001_imports::Migration),
            Box::new(m20261208_000001_monitoring::Migration),
            Box::new(m20261209_000001_ticket_answers::Migration),
            Box::new(m20261209_000002_refresh_replay::Migration),
            Box::new(m20261209_000003_sync_waiting::Migration),
        ]
    }
}
