//! `Idempotency-Key` on the online endpoints: the first answer to a key, kept for a day, so a
//! request retried after a lost answer gets that answer again instead of being done twice.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    AccountId,
    Key,
    RequestSha256,
    Status,
    ContentType,
    Location,
    Body,
    CreatedAt,
    CompletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IdempotencyKeys as K;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(uuid_col(K::AccountId))
                    .col(str_col(K::Key, 255))
                    .col(str_col(K::RequestSha256, 64))
                    .col(ColumnDef::new(K::Status).small_integer())
                    .col(ColumnDef::new(K::ContentType).string_len(100))
                    .col(ColumnDef::new(K::Location).string_len(500))
                    .col(ColumnDef::new(K::Body).binary())
                    .col(time_col(K::CreatedAt))
                    .col(ColumnDef::new(K::CompletedAt).timestamp_with_time_zone())
                    .primary_key(Index::create().col(K::AccountId).col(K::Key))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_idempotency_keys__created", K::Table, &["created_at"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned()).await
    }
}
