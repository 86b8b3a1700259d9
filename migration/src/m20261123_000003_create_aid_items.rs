//! The aid catalog: one row per aid item (低保, 特困, 临时救助, medical aid ...), with its conditions,
//! required documents, legal time limit, approval level and the items it excludes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum AidItems {
    Table,
    Code,
    Name,
    Department,
    GroupCode,
    Excludes,
    Conditions,
    RequiredDocuments,
    TimeLimitWorkingDays,
    ApprovalLevel,
    AmountRule,
    SortOrder,
    Active,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AidItems::Table)
                    .col(ColumnDef::new(AidItems::Code).string_len(32).not_null().primary_key())
                    .col(ColumnDef::new(AidItems::Name).string_len(64).not_null())
                    .col(ColumnDef::new(AidItems::Department).string_len(64).not_null())
                    .col(ColumnDef::new(AidItems::GroupCode).string_len(32))
                    .col(ColumnDef::new(AidItems::Excludes).json_binary().not_null())
                    .col(ColumnDef::new(AidItems::Conditions).text().not_null())
                    .col(ColumnDef::new(AidItems::RequiredDocuments).json_binary().not_null())
                    .col(ColumnDef::new(AidItems::TimeLimitWorkingDays).integer().not_null())
                    .col(
                        ColumnDef::new(AidItems::ApprovalLevel)
                            .string_len(16)
                            .not_null()
                            .check(Expr::col(AidItems::ApprovalLevel).is_in(["township", "district"])),
                    )
                    .col(ColumnDef::new(AidItems::AmountRule).text())
                    .col(ColumnDef::new(AidItems::SortOrder).integer().not_null())
                    .col(ColumnDef::new(AidItems::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(AidItems::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AidItems::Table).to_owned()).await
    }
}
