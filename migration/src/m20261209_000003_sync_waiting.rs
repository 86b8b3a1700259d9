//! The pushed ops that wait for their photo's upload (or behind such an op, on the same records),
//! per device: later batches may go past them without a gap, and ops naming their records wait
//! behind them, until they are sent again and answered for good.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncWaiting {
    Table,
    DeviceId,
    Seq,
    OpId,
    Records,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncWaiting as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(uuid_col(W::DeviceId))
                    .col(ColumnDef::new(W::Seq).big_integer().not_null())
                    .col(uuid_col(W::OpId))
                    .col(ColumnDef::new(W::Records).json().not_null())
                    .col(time_col(W::CreatedAt))
                    .primary_key(Index::create().col(W::DeviceId).col(W::Seq))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SyncWaiting::Table).to_owned()).await
    }
}
