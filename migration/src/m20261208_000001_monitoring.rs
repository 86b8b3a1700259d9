//! Monitoring and early warning: the pool keeps the name and masked ID number to show (imported
//! subjects have no application to read them from); warning rules per region as data; the leads
//! they raise, one per rule, person and period; what each import raised and how many of its
//! records were about people the platform does not know; and the flags for double or mutually exclusive aid
//! found at submit and at decision.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MonitoringSubjects {
    Table,
    Name,
    IdNumberMasked,
}

#[derive(DeriveIden)]
enum ImportFiles {
    Table,
    RowsUnmatched,
    LeadsRaised,
}

#[derive(DeriveIden)]
enum WarningRules {
    Table,
    Id,
    RegionCode,
    Code,
    Name,
    Kind,
    Params,
    Level,
    DeadlineDays,
    Active,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
    RuleId,
    RuleKind,
    SubjectIndex,
    Period,
    Level,
    Name,
    IdNumberMasked,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    Status,
    SlaState,
    Deadline,
    Evidence,
    AssignedTo,
    AssignedAt,
    VisitedAt,
    VisitNote,
    Outcome,
    OutcomeNote,
    ClosedAt,
    ClosedBy,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AidFlags {
    Table,
    Id,
    ApplicationId,
    ItemCode,
    SubjectIndex,
    Kind,
    Stage,
    OtherSource,
    OtherItemCode,
    OtherDepartment,
    OtherFrom,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MonitoringSubjects as M;
        manager
            .alter_table(Table::alter().table(M::Table).add_column(str_col(M::Name, 64).default("")).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(M::Table).add_column(str_col(M::IdNumberMasked, 32).default("")).to_owned(),
            )
            .await?;
        index(manager, "ix_monitoring_subjects__subject", M::Table, &["subject_index"]).await?;

        for col in [ImportFiles::RowsUnmatched, ImportFiles::LeadsRaised] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportFiles::Table)
                        .add_column(ColumnDef::new(col).big_integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }

        use WarningRules as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(uuid_col(W::Id).primary_key())
                    .col(str_col(W::RegionCode, 12))
                    .col(str_col(W::Code, 32))
                    .col(str_col(W::Name, 100))
                    .col(str_col(W::Kind, 32))
                    .col(ColumnDef::new(W::Params).json().not_null())
                    .col(str_col(W::Level, 8))
                    .col(ColumnDef::new(W::DeadlineDays).integer().not_null())
                    .col(ColumnDef::new(W::Active).boolean().not_null())
                    .col(ColumnDef::new(W::Version).integer().not_null())
                    .col(uuid_col(W::CreatedBy))
                    .col(time_col(W::CreatedAt))
                    .col(time_col(W::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_warning_rules__code", W::Table, &["region_code", "code"]).await?;

        use Leads as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(uuid_col(L::Id).primary_key())
                    .col(uuid_col(L::RuleId))
                    .col(str_col(L::RuleKind, 32))
                    .col(str_col(L::SubjectIndex, 64))
                    .col(str_col(L::Period, 10))
                    .col(str_col(L::Level, 8))
                    .col(str_col(L::Name, 64))
                    .col(str_col(L::IdNumberMasked, 32))
                    .col(str_col(L::CommunityCode, 12))
                    .col(str_col(L::TownshipCode, 9))
                    .col(str_col(L::DistrictCode, 6))
                    .col(str_col(L::Status, 12))
                    .col(str_col(L::SlaState, 12))
                    .col(ColumnDef::new(L::Deadline).date().not_null())
                    .col(ColumnDef::new(L::Evidence).json().not_null())
                    .col(ColumnDef::new(L::AssignedTo).uuid())
                    .col(ColumnDef::new(L::AssignedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(L::VisitedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(L::VisitNote).string_len(500))
                    .col(ColumnDef::new(L::Outcome).string_len(24))
                    .col(ColumnDef::new(L::OutcomeNote).string_len(500))
                    .col(ColumnDef::new(L::ClosedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(L::ClosedBy).uuid())
                    .col(ColumnDef::new(L::Version).integer().not_null())
                    .col(time_col(L::CreatedAt))
                    .foreign_key(
                        ForeignKey::create().name("fk_leads__rule_id").from(L::Table, L::RuleId).to(W::Table, W::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_leads__rule_subject_period", L::Table, &["rule_id", "subject_index", "period"]).await?;
        index(manager, "ix_leads__township", L::Table, &["township_code", "status"]).await?;
        index(manager, "ix_leads__district", L::Table, &["district_code", "created_at"]).await?;
        index(manager, "ix_leads__deadline", L::Table, &["sla_state", "deadline"]).await?;

        use AidFlags as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid_col(F::Id).primary_key())
                    .col(uuid_col(F::ApplicationId))
                    .col(str_col(F::ItemCode, 32))
                    .col(str_col(F::SubjectIndex, 64))
                    .col(str_col(F::Kind, 12))
                    .col(str_col(F::Stage, 12))
                    .col(str_col(F::OtherSource, 80))
                    .col(str_col(F::OtherItemCode, 32))
                    .col(str_col(F::OtherDepartment, 64))
                    .col(ColumnDef::new(F::OtherFrom).date().not_null())
                    .col(time_col(F::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_aid_flags__pair", F::Table, &["application_id", "item_code", "other_source", "stage"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AidFlags::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Leads::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WarningRules::Table).to_owned()).await?;
        manager
            .drop_index(
                Index::drop().name("ix_monitoring_subjects__subject").table(MonitoringSubjects::Table).to_owned(),
            )
            .await?;
        for col in [ImportFiles::RowsUnmatched, ImportFiles::LeadsRaised] {
            manager.alter_table(Table::alter().table(ImportFiles::Table).drop_column(col).to_owned()).await?;
        }
        for col in [MonitoringSubjects::Name, MonitoringSubjects::IdNumberMasked] {
            manager.alter_table(Table::alter().table(MonitoringSubjects::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
