//! Resumable uploads (a subset of tus): a photo taken offline arrives in chunks over a bad
//! connection. The upload row keeps the declared length and SHA-256 and the offset received so
//! far; each chunk is a storage object of its own until the last one arrives and the whole file
//! is put together, checked against its SHA-256 and kept until a pushed operation links it (or
//! the expiry job deletes it).

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    AccountId,
    Length,
    Sha256,
    Offset,
    Status,
    FileKey,
    LinkedTo,
    CreatedAt,
    UpdatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum UploadChunks {
    Table,
    UploadId,
    Offset,
    Length,
    StorageKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Uploads as U;
        manager
            .create_table(
                Table::create()
                    .table(U::Table)
                    .col(uuid_col(U::Id).primary_key())
                    .col(uuid_col(U::AccountId))
                    .col(ColumnDef::new(U::Length).big_integer().not_null())
                    .col(str_col(U::Sha256, 64))
                    .col(ColumnDef::new(U::Offset).big_integer().not_null())
                    .col(str_col(U::Status, 12))
                    .col(ColumnDef::new(U::FileKey).string_len(200))
                    .col(ColumnDef::new(U::LinkedTo).uuid())
                    .col(time_col(U::CreatedAt))
                    .col(time_col(U::UpdatedAt))
                    .col(time_col(U::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_uploads__expires", U::Table, &["expires_at"]).await?;
        use UploadChunks as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid_col(C::UploadId))
                    .col(ColumnDef::new(C::Offset).big_integer().not_null())
                    .col(ColumnDef::new(C::Length).big_integer().not_null())
                    .col(str_col(C::StorageKey, 200))
                    .primary_key(Index::create().col(C::UploadId).col(C::Offset))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [UploadChunks::Table.into_iden(), Uploads::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
