//! Administrative regions: district/county (区县, 6-digit GB/T 2260 code) -> township/street
//! (镇街, 9 digits) -> community/village (村社, 12 digits), as in the statistical division codes.
//! A child's code starts with its parent's, so "is inside" is a prefix test.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Regions {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(ColumnDef::new(Regions::Code).string_len(12).not_null().primary_key())
                    .col(ColumnDef::new(Regions::Name).string_len(64).not_null())
                    .col(
                        ColumnDef::new(Regions::Level)
                            .string_len(16)
                            .not_null()
                            .check(Expr::col(Regions::Level).is_in(["district", "township", "community"])),
                    )
                    .col(ColumnDef::new(Regions::ParentCode).string_len(12))
                    .col(ColumnDef::new(Regions::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_regions__parent_code")
                            .from(Regions::Table, Regions::ParentCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_regions__parent_code")
                    .table(Regions::Table)
                    .col(Regions::ParentCode)
                    .col(Regions::Code)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Regions::Table).to_owned()).await
    }
}
