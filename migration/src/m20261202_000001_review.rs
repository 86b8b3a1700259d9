//! Township review: the review state of applications and items (decisions with amounts, reasons,
//! signatures, optimistic versions, SLA clocks), the working-day calendar with the official 2026
//! schedule, investigations (the economic check's results), supervision tickets and monthly
//! samples, the monitoring pool of rejected applicants, recipients of approved items, the
//! notification outbox, the progress snapshots (the answer kept in the transaction of each change)
//! and the list of cache entries to repair after a Redis outage.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{Applications, fk, time_col, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReviewApp {
    PausedOn,
    ResumeStatus,
    MaterialsDue,
    MissingDocuments,
    Emergency,
    EmergencyReason,
    ReReview,
    DecidedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ApplicationItems {
    Table,
    Version,
    AmountFen,
    Reasons,
    DecisionNote,
    DecidedAt,
    DecidedBy,
    StartedOn,
    WarnDate,
    SlaState,
    PausedDays,
}

#[derive(DeriveIden)]
enum WorkCalendar {
    Table,
    Day,
    Kind,
    Name,
}

#[derive(DeriveIden)]
enum Investigations {
    Table,
    Id,
    ApplicationId,
    AuthorizationId,
    SubjectRef,
    Status,
    RequestedBy,
    RequestedAt,
    Results,
    Error,
}

#[derive(DeriveIden)]
enum SupervisionTickets {
    Table,
    Id,
    Kind,
    ApplicationId,
    ItemCode,
    TownshipCode,
    DistrictCode,
    Status,
    OpenedAt,
    DueDate,
    ClosedAt,
    ClosedBy,
    Outcome,
    Details,
}

#[derive(DeriveIden)]
enum SupervisionSamples {
    Table,
    Id,
    TownshipCode,
    DistrictCode,
    Month,
    RatePercent,
    Seed,
    Population,
    Chosen,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum MonitoringSubjects {
    Table,
    Id,
    SubjectIndex,
    GroupCode,
    Reason,
    SourceRef,
    ApplicationId,
    CommunityCode,
    TownshipCode,
    ReviewDate,
    ConsentBasis,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Recipients {
    Table,
    Id,
    SubjectIndex,
    SubjectAccountId,
    MemberId,
    ApplicationId,
    ItemCode,
    AmountFen,
    StartDate,
    Status,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    ApplicationId,
    AccountId,
    Template,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProgressSnapshots {
    Table,
    ApplicationId,
    SubjectAccountId,
    ActorAccountId,
    CommunityCode,
    Status,
    Body,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CacheRepairs {
    Table,
    Key,
    CreatedAt,
}

/// The State Council's 2026 schedule (国办发明电〔2025〕7号): days off and make-up workdays.
const CALENDAR_2026: &[(&str, &str, &str)] = &[
    ("2026-01-01", "holiday", "元旦"),
    ("2026-01-02", "holiday", "元旦"),
    ("2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "workday", "元旦调休"),
    ("2026-02-14", "workday", "春节调休"),
    ("2026-02-15", "holiday", "春节"),
    ("2026-02-16", "holiday", "春节"),
    ("2026-02-17", "holiday", "春节"),
    ("2026-02-18", "holiday", "春节"),
    ("2026-02-19", "holiday", "春节"),
    ("2026-02-20", "holiday", "春节"),
    ("2026-02-21", "holiday", "春节"),
    ("2026-02-22", "holiday", "春节"),
    ("2026-02-23", "holiday", "春节"),
    ("2026-02-28", "workday", "春节调休"),
    ("2026-04-04", "holiday", "清明节"),
    ("2026-04-05", "holiday", "清明节"),
    ("2026-04-06", "holiday", "清明节"),
    ("2026-05-01", "holiday", "劳动节"),
    ("2026-05-02", "holiday", "劳动节"),
    ("2026-05-03", "holiday", "劳动节"),
    ("2026-05-04", "holiday", "劳动节"),
    ("2026-05-05", "holiday", "劳动节"),
    ("2026-05-09", "workday", "劳动节调休"),
    ("2026-06-19", "holiday", "端午节"),
    ("2026-06-20", "holiday", "端午节"),
    ("2026-06-21", "holiday", "端午节"),
    ("2026-09-20", "workday", "国庆节调休"),
    ("2026-09-25", "holiday", "中秋节"),
    ("2026-09-26", "holiday", "中秋节"),
    ("2026-09-27", "holiday", "中秋节"),
    ("2026-10-01", "holiday", "国庆节"),
    ("2026-10-02", "holiday", "国庆节"),
    ("2026-10-03", "holiday", "国庆节"),
    ("2026-10-04", "holiday", "国庆节"),
    ("2026-10-05", "holiday", "国庆节"),
    ("2026-10-06", "holiday", "国庆节"),
    ("2026-10-07", "holiday", "国庆节"),
    ("2026-10-10", "workday", "国庆节调休"),
];

pub(crate) fn str_col(name: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).not_null().to_owned()
}

pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: &[&str],
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if name.starts_with("uq_") {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ApplicationItems as I;
        use ReviewApp as R;
        // One column per statement: SQLite alters one thing at a time.
        let app_columns = [
            ColumnDef::new(R::PausedOn).date().to_owned(),
            ColumnDef::new(R::ResumeStatus).string_len(24).to_owned(),
            ColumnDef::new(R::MaterialsDue).date().to_owned(),
            ColumnDef::new(R::MissingDocuments).json().to_owned(),
            ColumnDef::new(R::Emergency).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(R::EmergencyReason).string_len(32).to_owned(),
            ColumnDef::new(R::ReReview).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(R::DecidedAt).timestamp_with_time_zone().to_owned(),
            ColumnDef::new(R::ClosedAt).timestamp_with_time_zone().to_owned(),
        ];
        for mut column in app_columns {
            manager.alter_table(Table::alter().table(Applications::Table).add_column(&mut column).to_owned()).await?;
        }
        let item_columns = [
            ColumnDef::new(I::Version).integer().not_null().default(0).to_owned(),
            ColumnDef::new(I::AmountFen).big_integer().to_owned(),
            ColumnDef::new(I::Reasons).json().to_owned(),
            ColumnDef::new(I::DecisionNote).string_len(500).to_owned(),
            ColumnDef::new(I::DecidedAt).timestamp_with_time_zone().to_owned(),
            ColumnDef::new(I::DecidedBy).uuid().to_owned(),
            ColumnDef::new(I::StartedOn).date().to_owned(),
            ColumnDef::new(I::WarnDate).date().to_owned(),
            ColumnDef::new(I::SlaState).string_len(12).not_null().default("on_time").to_owned(),
            ColumnDef::new(I::PausedDays).integer().not_null().default(0).to_owned(),
        ];
        for mut column in item_columns {
            manager.alter_table(Table::alter().table(I::Table).add_column(&mut column).to_owned()).await?;
        }
        index(manager, "ix_application_items__due_date", I::Table, &["sla_state", "due_date"]).await?;

        use WorkCalendar as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(ColumnDef::new(W::Day).date().not_null().primary_key())
                    .col(str_col(W::Kind, 8))
                    .col(str_col(W::Name, 32))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert().into_table(W::Table).columns([W::Day, W::Kind, W::Name]).to_owned();
        for (day, kind, name) in CALENDAR_2026 {
            let day = sea_orm_migration::sea_orm::prelude::ChronoDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|e| DbErr::Custom(e.to_string()))?;
            seed.values([day.into(), (*kind).into(), (*name).into()]).map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        manager.exec_stmt(seed).await?;

        use Investigations as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(uuid_col(V::Id).primary_key())
                    .col(uuid_col(V::ApplicationId))
                    .col(uuid_col(V::AuthorizationId))
                    .col(str_col(V::SubjectRef, 64))
                    .col(str_col(V::Status, 12))
                    .col(uuid_col(V::RequestedBy))
                    .col(time_col(V::RequestedAt))
                    .col(ColumnDef::new(V::Results).json())
                    .col(ColumnDef::new(V::Error).string_len(300))
                    .foreign_key(&mut fk(
                        "fk_investigations__application_id",
                        (V::Table, V::ApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_investigations__application_id", V::Table, &["application_id", "requested_at"]).await?;

        use SupervisionTickets as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(uuid_col(T::Id).primary_key())
                    .col(str_col(T::Kind, 32))
                    .col(uuid_col(T::ApplicationId))
                    .col(str_col(T::ItemCode, 32).default(""))
                    .col(str_col(T::TownshipCode, 9))
                    .col(str_col(T::DistrictCode, 6))
                    .col(str_col(T::Status, 12))
                    .col(time_col(T::OpenedAt))
                    .col(ColumnDef::new(T::DueDate).date())
                    .col(ColumnDef::new(T::ClosedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(T::ClosedBy).uuid())
                    .col(ColumnDef::new(T::Outcome).string_len(500))
                    .col(ColumnDef::new(T::Details).json().not_null())
                    .foreign_key(&mut fk(
                        "fk_supervision_tickets__application_id",
                        (T::Table, T::ApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_supervision_tickets__kind", T::Table, &["kind", "application_id", "item_code"]).await?;
        index(manager, "ix_supervision_tickets__district", T::Table, &["district_code", "status", "opened_at"]).await?;

        use SupervisionSamples as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(uuid_col(S::Id).primary_key())
                    .col(str_col(S::TownshipCode, 9))
                    .col(str_col(S::DistrictCode, 6))
                    .col(str_col(S::Month, 7))
                    .col(ColumnDef::new(S::RatePercent).integer().not_null())
                    .col(str_col(S::Seed, 32))
                    .col(ColumnDef::new(S::Population).json().not_null())
                    .col(ColumnDef::new(S::Chosen).json().not_null())
                    .col(time_col(S::CreatedAt))
                    .col(uuid_col(S::CreatedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_supervision_samples__month", S::Table, &["township_code", "month"]).await?;

        use MonitoringSubjects as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(uuid_col(M::Id).primary_key())
                    .col(str_col(M::SubjectIndex, 64))
                    .col(str_col(M::GroupCode, 32))
                    .col(str_col(M::Reason, 500))
                    .col(str_col(M::SourceRef, 80))
                    .col(ColumnDef::new(M::ApplicationId).uuid())
                    .col(str_col(M::CommunityCode, 12))
                    .col(str_col(M::TownshipCode, 9))
                    .col(ColumnDef::new(M::ReviewDate).date().not_null())
                    .col(str_col(M::ConsentBasis, 64))
                    .col(time_col(M::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_monitoring_subjects__source", M::Table, &["group_code", "subject_index", "source_ref"])
            .await?;
        index(manager, "ix_monitoring_subjects__township", M::Table, &["township_code", "review_date"]).await?;

        use Recipients as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(uuid_col(P::Id).primary_key())
                    .col(str_col(P::SubjectIndex, 64))
                    .col(ColumnDef::new(P::SubjectAccountId).uuid())
                    .col(uuid_col(P::MemberId))
                    .col(uuid_col(P::ApplicationId))
                    .col(str_col(P::ItemCode, 32))
                    .col(ColumnDef::new(P::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(P::StartDate).date().not_null())
                    .col(str_col(P::Status, 12))
                    .col(str_col(P::CommunityCode, 12))
                    .col(str_col(P::TownshipCode, 9))
                    .col(str_col(P::DistrictCode, 6))
                    .col(time_col(P::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_recipients__application_id",
                        (P::Table, P::ApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_recipients__item", P::Table, &["application_id", "item_code"]).await?;
        index(manager, "ix_recipients__subject_index", P::Table, &["subject_index"]).await?;
        index(manager, "ix_recipients__community", P::Table, &["community_code", "status"]).await?;

        use Notifications as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(uuid_col(N::Id).primary_key())
                    .col(uuid_col(N::ApplicationId))
                    .col(ColumnDef::new(N::AccountId).uuid())
                    .col(str_col(N::Template, 32))
                    .col(ColumnDef::new(N::Payload).json().not_null())
                    .col(str_col(N::Status, 12))
                    .col(ColumnDef::new(N::Attempts).integer().not_null().default(0))
                    .col(time_col(N::NextAttemptAt))
                    .col(ColumnDef::new(N::LastError).string_len(300))
                    .col(ColumnDef::new(N::SentAt).timestamp_with_time_zone())
                    .col(time_col(N::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_notifications__due", N::Table, &["status", "next_attempt_at"]).await?;
        index(manager, "ix_notifications__application_id", N::Table, &["application_id", "created_at"]).await?;

        use ProgressSnapshots as G;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .col(uuid_col(G::ApplicationId).primary_key())
                    .col(ColumnDef::new(G::SubjectAccountId).uuid())
                    .col(uuid_col(G::ActorAccountId))
                    .col(str_col(G::CommunityCode, 12))
                    .col(str_col(G::Status, 24))
                    .col(ColumnDef::new(G::Body).text().not_null())
                    .col(time_col(G::UpdatedAt))
                    .foreign_key(
                        &mut fk(
                            "fk_progress_snapshots__application_id",
                            (G::Table, G::ApplicationId),
                            (Applications::Table, Applications::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;

        use CacheRepairs as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Key).string_len(96).not_null().primary_key())
                    .col(time_col(C::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CacheRepairs::Table.into_iden(),
            ProgressSnapshots::Table.into_iden(),
            Notifications::Table.into_iden(),
            Recipients::Table.into_iden(),
            MonitoringSubjects::Table.into_iden(),
            SupervisionSamples::Table.into_iden(),
            SupervisionTickets::Table.into_iden(),
            Investigations::Table.into_iden(),
            WorkCalendar::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .drop_index(Index::drop().name("ix_application_items__due_date").table(ApplicationItems::Table).to_owned())
            .await?;
        use ApplicationItems as I;
        for column in [
            I::Version,
            I::AmountFen,
            I::Reasons,
            I::DecisionNote,
            I::DecidedAt,
            I::DecidedBy,
            I::StartedOn,
            I::WarnDate,
            I::SlaState,
            I::PausedDays,
        ] {
            manager.alter_table(Table::alter().table(I::Table).drop_column(column).to_owned()).await?;
        }
        use ReviewApp as R;
        for column in [
            R::PausedOn,
            R::ResumeStatus,
            R::MaterialsDue,
            R::MissingDocuments,
            R::Emergency,
            R::EmergencyReason,
            R::ReReview,
            R::DecidedAt,
            R::ClosedAt,
        ] {
            manager.alter_table(Table::alter().table(Applications::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
