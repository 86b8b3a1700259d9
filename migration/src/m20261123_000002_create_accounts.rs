//! Accounts (residents signed in with WeChat, staff with a password) and their refresh tokens.
//!
//! Residents are keyed by WeChat openid, staff by a lower-case username; both unique. Staff are
//! bound to a region. Refresh tokens are stored as SHA-256 hashes, grouped in families: a rotation
//! spends one token and issues the next in the same family; reusing a spent one revokes the family.

use sea_orm_migration::prelude::*;

use crate::m20261123_000001_create_regions::Regions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Accounts {
    Table,
    Id,
    Role,
    DisplayName,
    RegionCode,
    HelperKind,
    Organisation,
    Username,
    PasswordHash,
    WechatOpenid,
    WechatUnionid,
    Active,
    CreatedAt,
    UpdatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    FamilyId,
    AccountId,
    TokenHash,
    IssuedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

const ROLES: [&str; 5] = ["resident", "helper", "township_reviewer", "district_supervisor", "admin"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(ColumnDef::new(Accounts::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Accounts::Role)
                            .string_len(32)
                            .not_null()
                            .check(Expr::col(Accounts::Role).is_in(ROLES)),
                    )
                    .col(ColumnDef::new(Accounts::DisplayName).string_len(64).not_null())
                    .col(ColumnDef::new(Accounts::RegionCode).string_len(12))
                    .col(ColumnDef::new(Accounts::HelperKind).string_len(32))
                    .col(ColumnDef::new(Accounts::Organisation).string_len(128))
                    .col(ColumnDef::new(Accounts::Username).string_len(64))
                    .col(ColumnDef::new(Accounts::PasswordHash).string_len(255))
                    .col(ColumnDef::new(Accounts::WechatOpenid).string_len(64))
                    .col(ColumnDef::new(Accounts::WechatUnionid).string_len(64))
                    .col(ColumnDef::new(Accounts::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(Accounts::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Accounts::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Accounts::LastSignInAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_accounts__region_code")
                            .from(Accounts::Table, Accounts::RegionCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col, unique) in [
            ("uq_accounts__username", Accounts::Username, true),
            ("uq_accounts__wechat_openid", Accounts::WechatOpenid, true),
            ("ix_accounts__region_code", Accounts::RegionCode, false),
        ] {
            let mut index = Index::create();
            index.name(name).table(Accounts::Table).col(col);
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(ColumnDef::new(RefreshTokens::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(RefreshTokens::FamilyId).uuid().not_null())
                    .col(ColumnDef::new(RefreshTokens::AccountId).uuid().not_null())
                    .col(ColumnDef::new(RefreshTokens::TokenHash).string_len(64).not_null())
                    .col(ColumnDef::new(RefreshTokens::IssuedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(RefreshTokens::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(RefreshTokens::UsedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(RefreshTokens::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens__account_id")
                            .from(RefreshTokens::Table, RefreshTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col, unique) in [
            ("uq_refresh_tokens__token_hash", RefreshTokens::TokenHash, true),
            ("ix_refresh_tokens__family_id", RefreshTokens::FamilyId, false),
            ("ix_refresh_tokens__account_id", RefreshTokens::AccountId, false),
        ] {
            let mut index = Index::create();
            index.name(name).table(RefreshTokens::Table).col(col);
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RefreshTokens::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Accounts::Table).to_owned()).await
    }
}
