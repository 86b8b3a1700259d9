//! Offline sync for helpers: the devices that push (with the highest sequence applied), every
//! operation pushed with its answer (so a resend gets the same answer), and the conflict queue
//! (operations on records that changed on the server meanwhile, kept for a person to resolve).

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncDevices {
    Table,
    DeviceId,
    AccountId,
    LastSeq,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SyncOps {
    Table,
    OpId,
    DeviceId,
    Seq,
    AccountId,
    Entity,
    EntityId,
    ApplicationId,
    Op,
    ContentSha256,
    Outcome,
    Result,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SyncConflicts {
    Table,
    Id,
    OpId,
    AccountId,
    CommunityCode,
    Entity,
    EntityId,
    Code,
    BaseVersion,
    ServerVersion,
    Payload,
    Status,
    Resolution,
    Note,
    ResolvedBy,
    ResolvedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncDevices as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid_col(D::DeviceId).primary_key())
                    .col(uuid_col(D::AccountId))
                    .col(ColumnDef::new(D::LastSeq).big_integer().not_null().default(0))
                    .col(time_col(D::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        use SyncOps as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(uuid_col(O::OpId).primary_key())
                    .col(uuid_col(O::DeviceId))
                    .col(ColumnDef::new(O::Seq).big_integer().not_null())
                    .col(uuid_col(O::AccountId))
                    .col(str_col(O::Entity, 24))
                    .col(uuid_col(O::EntityId))
                    .col(ColumnDef::new(O::ApplicationId).uuid())
                    .col(str_col(O::Op, 24))
                    .col(str_col(O::ContentSha256, 64))
                    .col(str_col(O::Outcome, 16))
                    .col(ColumnDef::new(O::Result).json().not_null())
                    .col(time_col(O::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_sync_ops__seq", O::Table, &["device_id", "seq"]).await?;
        index(manager, "ix_sync_ops__application", O::Table, &["device_id", "application_id", "seq"]).await?;
        use SyncConflicts as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid_col(C::Id).primary_key())
                    .col(uuid_col(C::OpId))
                    .col(uuid_col(C::AccountId))
                    .col(ColumnDef::new(C::CommunityCode).string_len(12))
                    .col(str_col(C::Entity, 24))
                    .col(uuid_col(C::EntityId))
                    .col(str_col(C::Code, 48))
                    .col(ColumnDef::new(C::BaseVersion).integer())
                    .col(ColumnDef::new(C::ServerVersion).integer())
                    .col(ColumnDef::new(C::Payload).json().not_null())
                    .col(str_col(C::Status, 12))
                    .col(ColumnDef::new(C::Resolution).string_len(24))
                    .col(ColumnDef::new(C::Note).string_len(500))
                    .col(ColumnDef::new(C::ResolvedBy).uuid())
                    .col(ColumnDef::new(C::ResolvedAt).timestamp_with_time_zone())
                    .col(time_col(C::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_sync_conflicts__op", C::Table, &["op_id"]).await?;
        index(manager, "ix_sync_conflicts__account", C::Table, &["account_id", "status"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [SyncConflicts::Table.into_iden(), SyncOps::Table.into_iden(), SyncDevices::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
