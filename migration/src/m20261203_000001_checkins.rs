//! Periodic check-ins: each recipient's schedule (one row per period, with its window), the
//! check-ins themselves (outcome, assurance, evidence; selfies purged after the retention period,
//! their perceptual hash kept for replay checks), the home-visit tasks a missed or failed check-in
//! opens for the community, suspensions and resumptions of payment, and the challenges issued
//! while Redis was away. Also widens `investigations.status`: `not_configured` did not fit.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CheckinCycles {
    Table,
    Id,
    RecipientId,
    SubjectIndex,
    DueDate,
    OpensOn,
    ClosesOn,
    Status,
    DoneAt,
    DoneMode,
    CheckinId,
    FailedAttempts,
    RemindedAt,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Checkins {
    Table,
    Id,
    RecipientId,
    SubjectIndex,
    ActorId,
    ActorRole,
    Mode,
    Verifier,
    Assurance,
    Outcome,
    FailureReason,
    ProviderRef,
    Action,
    CapturedAt,
    Device,
    LocationNote,
    SelfieKey,
    SelfieSha256,
    Phash,
    SelfiePurgedAt,
    Sampled,
    ReviewVerdict,
    ReviewedBy,
    ReviewedAt,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckinTasks {
    Table,
    Id,
    Kind,
    DedupeKey,
    RecipientId,
    CycleId,
    CheckinId,
    SubjectIndex,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    DueDate,
    Status,
    Outcome,
    Note,
    ClosedBy,
    ClosedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecipientActions {
    Table,
    Id,
    RecipientId,
    Action,
    Reason,
    Note,
    TaskId,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckinChallenges {
    Table,
    Nonce,
    AccountId,
    Payload,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Investigations {
    Table,
    Status,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An investigation without a data-exchange service is `not_configured` (14 characters):
        // the column of the review migration was too short. SQLite does not enforce lengths.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(Investigations::Table)
                        .modify_column(ColumnDef::new(Investigations::Status).string_len(24).not_null())
                        .to_owned(),
                )
                .await?;
        }
        use CheckinCycles as Y;
        manager
            .create_table(
                Table::create()
                    .table(Y::Table)
                    .col(uuid_col(Y::Id).primary_key())
                    .col(uuid_col(Y::RecipientId))
                    .col(str_col(Y::SubjectIndex, 64))
                    .col(ColumnDef::new(Y::DueDate).date().not_null())
                    .col(ColumnDef::new(Y::OpensOn).date().not_null())
                    .col(ColumnDef::new(Y::ClosesOn).date().not_null())
                    .col(str_col(Y::Status, 12))
                    .col(ColumnDef::new(Y::DoneAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Y::DoneMode).string_len(12))
                    .col(ColumnDef::new(Y::CheckinId).uuid())
                    .col(ColumnDef::new(Y::FailedAttempts).integer().not_null().default(0))
                    .col(ColumnDef::new(Y::RemindedAt).timestamp_with_time_zone())
                    .col(str_col(Y::CommunityCode, 12))
                    .col(str_col(Y::TownshipCode, 9))
                    .col(str_col(Y::DistrictCode, 6))
                    .col(time_col(Y::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_checkin_cycles__due", Y::Table, &["recipient_id", "due_date"]).await?;
        index(manager, "ix_checkin_cycles__subject", Y::Table, &["subject_index", "status"]).await?;
        index(manager, "ix_checkin_cycles__closes", Y::Table, &["status", "closes_on"]).await?;
        index(manager, "ix_checkin_cycles__community", Y::Table, &["community_code", "due_date"]).await?;
        index(manager, "ix_checkin_cycles__township", Y::Table, &["township_code", "due_date"]).await?;

        use Checkins as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid_col(C::Id).primary_key())
                    .col(uuid_col(C::RecipientId))
                    .col(str_col(C::SubjectIndex, 64))
                    .col(uuid_col(C::ActorId))
                    .col(str_col(C::ActorRole, 24))
                    .col(str_col(C::Mode, 12))
                    .col(str_col(C::Verifier, 24))
                    .col(str_col(C::Assurance, 12))
                    .col(str_col(C::Outcome, 12))
                    .col(ColumnDef::new(C::FailureReason).string_len(64))
                    .col(ColumnDef::new(C::ProviderRef).string_len(300))
                    .col(ColumnDef::new(C::Action).string_len(24))
                    .col(ColumnDef::new(C::CapturedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(C::Device).json())
                    .col(ColumnDef::new(C::LocationNote).string_len(200))
                    .col(ColumnDef::new(C::SelfieKey).string_len(200))
                    .col(str_col(C::SelfieSha256, 64))
                    .col(ColumnDef::new(C::Phash).big_integer().not_null())
                    .col(ColumnDef::new(C::SelfiePurgedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(C::Sampled).boolean().not_null().default(false))
                    .col(ColumnDef::new(C::ReviewVerdict).string_len(12))
                    .col(ColumnDef::new(C::ReviewedBy).uuid())
                    .col(ColumnDef::new(C::ReviewedAt).timestamp_with_time_zone())
                    .col(str_col(C::CommunityCode, 12))
                    .col(str_col(C::TownshipCode, 9))
                    .col(str_col(C::DistrictCode, 6))
                    .col(time_col(C::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_checkins__subject", C::Table, &["subject_index", "created_at"]).await?;
        index(manager, "ix_checkins__selfie", C::Table, &["selfie_purged_at", "created_at"]).await?;
        index(manager, "ix_checkins__township", C::Table, &["township_code", "created_at"]).await?;

        use CheckinTasks as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(uuid_col(T::Id).primary_key())
                    .col(str_col(T::Kind, 16))
                    .col(str_col(T::DedupeKey, 64))
                    .col(uuid_col(T::RecipientId))
                    .col(ColumnDef::new(T::CycleId).uuid())
                    .col(ColumnDef::new(T::CheckinId).uuid())
                    .col(str_col(T::SubjectIndex, 64))
                    .col(str_col(T::CommunityCode, 12))
                    .col(str_col(T::TownshipCode, 9))
                    .col(str_col(T::DistrictCode, 6))
                    .col(ColumnDef::new(T::DueDate).date().not_null())
                    .col(str_col(T::Status, 12))
                    .col(ColumnDef::new(T::Outcome).string_len(24))
                    .col(ColumnDef::new(T::Note).string_len(500))
                    .col(ColumnDef::new(T::ClosedBy).uuid())
                    .col(ColumnDef::new(T::ClosedAt).timestamp_with_time_zone())
                    .col(time_col(T::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_checkin_tasks__dedupe", T::Table, &["dedupe_key"]).await?;
        index(manager, "ix_checkin_tasks__community", T::Table, &["community_code", "status"]).await?;
        index(manager, "ix_checkin_tasks__recipient", T::Table, &["recipient_id", "status"]).await?;

        use RecipientActions as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(uuid_col(A::Id).primary_key())
                    .col(uuid_col(A::RecipientId))
                    .col(str_col(A::Action, 12))
                    .col(str_col(A::Reason, 24))
                    .col(ColumnDef::new(A::Note).string_len(500))
                    .col(ColumnDef::new(A::TaskId).uuid())
                    .col(uuid_col(A::ActorId))
                    .col(time_col(A::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_recipient_actions__recipient", A::Table, &["recipient_id", "created_at"]).await?;

        use CheckinChallenges as H;
        manager
            .create_table(
                Table::create()
                    .table(H::Table)
                    .col(ColumnDef::new(H::Nonce).string_len(64).not_null().primary_key())
                    .col(uuid_col(H::AccountId))
                    .col(ColumnDef::new(H::Payload).json().not_null())
                    .col(time_col(H::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CheckinChallenges::Table.into_iden(),
            RecipientActions::Table.into_iden(),
            CheckinTasks::Table.into_iden(),
            Checkins::Table.into_iden(),
            CheckinCycles::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
