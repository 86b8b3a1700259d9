//! Pre-check rules as data: per region, the local 低保 standard and the rules that suggest items
//! from a household's facts. The most specific region with a row wins (community, township,
//! district).

use sea_orm_migration::prelude::*;

use crate::m20261123_000001_create_regions::Regions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PrecheckRules {
    Table,
    RegionCode,
    DibaoStandardFen,
    Rules,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PrecheckRules::Table)
                    .col(ColumnDef::new(PrecheckRules::RegionCode).string_len(12).not_null().primary_key())
                    .col(
                        ColumnDef::new(PrecheckRules::DibaoStandardFen)
                            .big_integer()
                            .not_null()
                            .check(Expr::col(PrecheckRules::DibaoStandardFen).gt(0)),
                    )
                    .col(ColumnDef::new(PrecheckRules::Rules).json_binary().not_null())
                    .col(ColumnDef::new(PrecheckRules::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_precheck_rules__region_code")
                            .from(PrecheckRules::Table, PrecheckRules::RegionCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PrecheckRules::Table).to_owned()).await
    }
}
