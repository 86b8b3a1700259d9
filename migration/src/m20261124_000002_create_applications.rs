//! Applications: one household and N aid items, its members (ID numbers encrypted with a blind
//! index beside them), documents kept through the storage interface, signed authorizations, an
//! append-only event list, and per-district counters for the application numbers.
//!
//! `application_items.open_subject_index` is set while an item is under way (submitted and not yet
//! closed): the partial unique index on it makes a second open application of one person for one
//! item impossible, even when two submits race.

use sea_orm_migration::prelude::*;

use crate::m20261123_000001_create_regions::Regions;
use crate::m20261123_000002_create_accounts::Accounts;
use crate::m20261123_000003_create_aid_items::AidItems;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Applications {
    Table,
    Id,
    Number,
    Status,
    CommunityCode,
    TownshipCode,
    DistrictCode,
    ServicePointId,
    SubjectAccountId,
    ActorAccountId,
    ActorRole,
    ActorHelperKind,
    ActorOrganisation,
    ContactPhone,
    Household,
    Note,
    ContentHash,
    Version,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum ApplicationItems {
    Table,
    ApplicationId,
    ItemCode,
    Status,
    Department,
    TimeLimitWorkingDays,
    DueDate,
    OpenSubjectIndex,
}

#[derive(DeriveIden)]
enum HouseholdMembers {
    Table,
    Id,
    ApplicationId,
    Name,
    Relation,
    IdNumberCipher,
    IdNumberKeyId,
    IdNumberIndex,
    IdNumberMasked,
    BirthDate,
    Facts,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Documents {
    Table,
    Id,
    OwnerAccountId,
    UploadedBy,
    DocType,
    StorageKey,
    ContentType,
    ByteSize,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApplicationDocuments {
    Table,
    ApplicationId,
    DocumentId,
    MemberId,
    DocType,
    AttachedAt,
}

#[derive(DeriveIden)]
enum Authorizations {
    Table,
    Id,
    ApplicationId,
    TextVersion,
    TextHash,
    Scope,
    SignerMemberId,
    SignerCapacity,
    SignerRelation,
    Covers,
    SignatureDocumentId,
    Device,
    RecordedBy,
    SignedAt,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
enum ApplicationEvents {
    Table,
    Id,
    ApplicationId,
    Kind,
    FromStatus,
    ToStatus,
    ActorId,
    ActorRole,
    OccurredAt,
    Details,
}

#[derive(DeriveIden)]
enum ApplicationNumberCounters {
    Table,
    DistrictCode,
    Year,
    Last,
}

pub(crate) fn uuid_col(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().to_owned()
}

pub(crate) fn time_col(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
}

pub(crate) fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Applications as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(uuid_col(A::Id).primary_key())
                    .col(ColumnDef::new(A::Number).string_len(32))
                    .col(ColumnDef::new(A::Status).string_len(24).not_null())
                    .col(ColumnDef::new(A::CommunityCode).string_len(12).not_null())
                    .col(ColumnDef::new(A::TownshipCode).string_len(9).not_null())
                    .col(ColumnDef::new(A::DistrictCode).string_len(6).not_null())
                    .col(ColumnDef::new(A::ServicePointId).uuid())
                    .col(ColumnDef::new(A::SubjectAccountId).uuid())
                    .col(uuid_col(A::ActorAccountId))
                    .col(ColumnDef::new(A::ActorRole).string_len(24).not_null())
                    .col(ColumnDef::new(A::ActorHelperKind).string_len(24))
                    .col(ColumnDef::new(A::ActorOrganisation).string_len(64))
                    .col(ColumnDef::new(A::ContactPhone).string_len(20))
                    .col(ColumnDef::new(A::Household).json_binary().not_null())
                    .col(ColumnDef::new(A::Note).string_len(500))
                    .col(ColumnDef::new(A::ContentHash).string_len(64).not_null())
                    .col(ColumnDef::new(A::Version).integer().not_null())
                    .col(time_col(A::CreatedAt))
                    .col(time_col(A::UpdatedAt))
                    .col(ColumnDef::new(A::SubmittedAt).timestamp_with_time_zone())
                    .foreign_key(&mut fk(
                        "fk_applications__community_code",
                        (A::Table, A::CommunityCode),
                        (Regions::Table, Regions::Code),
                    ))
                    .foreign_key(&mut fk(
                        "fk_applications__subject_account_id",
                        (A::Table, A::SubjectAccountId),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_applications__actor_account_id",
                        (A::Table, A::ActorAccountId),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("uq_applications__number", vec![A::Number]),
            ("ix_applications__subject_account_id", vec![A::SubjectAccountId, A::CreatedAt]),
            ("ix_applications__actor_account_id", vec![A::ActorAccountId, A::CreatedAt]),
            ("ix_applications__community_code", vec![A::CommunityCode, A::CreatedAt]),
            ("ix_applications__district_code", vec![A::DistrictCode, A::CreatedAt]),
        ] {
            let mut index = Index::create().name(name).table(A::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            if name.starts_with("uq_") {
                index.unique();
            }
            manager.create_index(index).await?;
        }

        use ApplicationItems as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(uuid_col(I::ApplicationId))
                    .col(ColumnDef::new(I::ItemCode).string_len(32).not_null())
                    .col(ColumnDef::new(I::Status).string_len(24).not_null())
                    .col(ColumnDef::new(I::Department).string_len(64).not_null())
                    .col(ColumnDef::new(I::TimeLimitWorkingDays).integer().not_null())
                    .col(ColumnDef::new(I::DueDate).date())
                    .col(ColumnDef::new(I::OpenSubjectIndex).string_len(64))
                    .primary_key(Index::create().col(I::ApplicationId).col(I::ItemCode))
                    .foreign_key(
                        &mut fk(
                            "fk_application_items__application_id",
                            (I::Table, I::ApplicationId),
                            (A::Table, A::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .foreign_key(&mut fk(
                        "fk_application_items__item_code",
                        (I::Table, I::ItemCode),
                        (AidItems::Table, AidItems::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_application_items__open_subject_index \
                 ON application_items (open_subject_index, item_code) WHERE open_subject_index IS NOT NULL",
            )
            .await?;

        use HouseholdMembers as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(uuid_col(M::Id).primary_key())
                    .col(uuid_col(M::ApplicationId))
                    .col(ColumnDef::new(M::Name).string_len(32).not_null())
                    .col(ColumnDef::new(M::Relation).string_len(16).not_null())
                    .col(ColumnDef::new(M::IdNumberCipher).blob().not_null())
                    .col(ColumnDef::new(M::IdNumberKeyId).string_len(16).not_null())
                    .col(ColumnDef::new(M::IdNumberIndex).string_len(64).not_null())
                    .col(ColumnDef::new(M::IdNumberMasked).string_len(18).not_null())
                    .col(ColumnDef::new(M::BirthDate).date().not_null())
                    .col(ColumnDef::new(M::Facts).json_binary().not_null())
                    .col(time_col(M::CreatedAt))
                    .col(time_col(M::UpdatedAt))
                    .foreign_key(
                        &mut fk(
                            "fk_household_members__application_id",
                            (M::Table, M::ApplicationId),
                            (A::Table, A::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_household_members__id_number")
                    .table(M::Table)
                    .col(M::ApplicationId)
                    .col(M::IdNumberIndex)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_household_members__id_number_index")
                    .table(M::Table)
                    .col(M::IdNumberIndex)
                    .to_owned(),
            )
            .await?;

        use Documents as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid_col(D::Id).primary_key())
                    .col(ColumnDef::new(D::OwnerAccountId).uuid())
                    .col(uuid_col(D::UploadedBy))
                    .col(ColumnDef::new(D::DocType).string_len(32).not_null())
                    .col(ColumnDef::new(D::StorageKey).string_len(128).not_null())
                    .col(ColumnDef::new(D::ContentType).string_len(64).not_null())
                    .col(ColumnDef::new(D::ByteSize).big_integer().not_null())
                    .col(ColumnDef::new(D::Sha256).string_len(64).not_null())
                    .col(time_col(D::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_documents__owner_account_id",
                        (D::Table, D::OwnerAccountId),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_documents__uploaded_by",
                        (D::Table, D::UploadedBy),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_documents__owner_account_id")
                    .table(D::Table)
                    .col(D::OwnerAccountId)
                    .col(D::CreatedAt)
                    .to_owned(),
            )
            .await?;

        use ApplicationDocuments as AD;
        manager
            .create_table(
                Table::create()
                    .table(AD::Table)
                    .col(uuid_col(AD::ApplicationId))
                    .col(uuid_col(AD::DocumentId))
                    .col(ColumnDef::new(AD::MemberId).uuid())
                    .col(ColumnDef::new(AD::DocType).string_len(32).not_null())
                    .col(time_col(AD::AttachedAt))
                    .primary_key(Index::create().col(AD::ApplicationId).col(AD::DocumentId))
                    .foreign_key(
                        &mut fk(
                            "fk_application_documents__application_id",
                            (AD::Table, AD::ApplicationId),
                            (A::Table, A::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .foreign_key(&mut fk(
                        "fk_application_documents__document_id",
                        (AD::Table, AD::DocumentId),
                        (D::Table, D::Id),
                    ))
                    .foreign_key(
                        &mut fk("fk_application_documents__member_id", (AD::Table, AD::MemberId), (M::Table, M::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;

        use Authorizations as Z;
        manager
            .create_table(
                Table::create()
                    .table(Z::Table)
                    .col(uuid_col(Z::Id).primary_key())
                    .col(uuid_col(Z::ApplicationId))
                    .col(ColumnDef::new(Z::TextVersion).string_len(16).not_null())
                    .col(ColumnDef::new(Z::TextHash).string_len(64).not_null())
                    .col(ColumnDef::new(Z::Scope).json_binary().not_null())
                    .col(uuid_col(Z::SignerMemberId))
                    .col(ColumnDef::new(Z::SignerCapacity).string_len(16).not_null())
                    .col(ColumnDef::new(Z::SignerRelation).string_len(32))
                    .col(ColumnDef::new(Z::Covers).json_binary().not_null())
                    .col(uuid_col(Z::SignatureDocumentId))
                    .col(ColumnDef::new(Z::Device).string_len(128))
                    .col(uuid_col(Z::RecordedBy))
                    .col(time_col(Z::SignedAt))
                    .col(ColumnDef::new(Z::RevokedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Z::RevokedReason).string_len(200))
                    .foreign_key(&mut fk(
                        "fk_authorizations__application_id",
                        (Z::Table, Z::ApplicationId),
                        (A::Table, A::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_authorizations__signer_member_id",
                        (Z::Table, Z::SignerMemberId),
                        (M::Table, M::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_authorizations__signature_document_id",
                        (Z::Table, Z::SignatureDocumentId),
                        (D::Table, D::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_authorizations__application_id")
                    .table(Z::Table)
                    .col(Z::ApplicationId)
                    .to_owned(),
            )
            .await?;

        use ApplicationEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid_col(E::Id).primary_key())
                    .col(uuid_col(E::ApplicationId))
                    .col(ColumnDef::new(E::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(E::FromStatus).string_len(24))
                    .col(ColumnDef::new(E::ToStatus).string_len(24))
                    .col(ColumnDef::new(E::ActorId).uuid())
                    .col(ColumnDef::new(E::ActorRole).string_len(24))
                    .col(time_col(E::OccurredAt))
                    .col(ColumnDef::new(E::Details).json_binary().not_null())
                    .foreign_key(
                        &mut fk(
                            "fk_application_events__application_id",
                            (E::Table, E::ApplicationId),
                            (A::Table, A::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_application_events__application_id")
                    .table(E::Table)
                    .col(E::ApplicationId)
                    .col(E::OccurredAt)
                    .to_owned(),
            )
            .await?;

        use ApplicationNumberCounters as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::DistrictCode).string_len(6).not_null())
                    .col(ColumnDef::new(C::Year).integer().not_null())
                    .col(ColumnDef::new(C::Last).big_integer().not_null())
                    .primary_key(Index::create().col(C::DistrictCode).col(C::Year))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApplicationNumberCounters::Table.into_iden(),
            ApplicationEvents::Table.into_iden(),
            Authorizations::Table.into_iden(),
            ApplicationDocuments::Table.into_iden(),
            Documents::Table.into_iden(),
            HouseholdMembers::Table.into_iden(),
            ApplicationItems::Table.into_iden(),
            Applications::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
