//! Community service points: each has a printed QR code whose token resolves to the community.

use sea_orm_migration::prelude::*;

use crate::m20261123_000001_create_regions::Regions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServicePoints {
    Table,
    Id,
    CommunityCode,
    Name,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServicePoints::Table)
                    .col(ColumnDef::new(ServicePoints::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ServicePoints::CommunityCode).string_len(12).not_null())
                    .col(ColumnDef::new(ServicePoints::Name).string_len(64).not_null())
                    .col(ColumnDef::new(ServicePoints::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(ServicePoints::ExpiresAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(ServicePoints::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_points__community_code")
                            .from(ServicePoints::Table, ServicePoints::CommunityCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_service_points__community_code")
                    .table(ServicePoints::Table)
                    .col(ServicePoints::CommunityCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ServicePoints::Table).to_owned()).await
    }
}
