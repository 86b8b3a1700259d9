//! Department data imports: one row per imported file (its kind, SHA-256 — the same file again
//! changes nothing —, the encoding it was in, the counts and the rejected rows), and the records it
//! brought, each by the person's ID blind index only, unique per kind and the department's own
//! record id.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{time_col, uuid_col};
use crate::m20261202_000001_review::{index, str_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImportFiles {
    Table,
    Id,
    Kind,
    Format,
    Sha256,
    Encoding,
    RowsTotal,
    RowsImported,
    RowsDuplicate,
    RowsRejected,
    Rejected,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DepartmentRecords {
    Table,
    Id,
    ImportId,
    Kind,
    SourceRef,
    SubjectIndex,
    OccurredOn,
    AmountFen,
    Details,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ImportFiles as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid_col(F::Id).primary_key())
                    .col(str_col(F::Kind, 32))
                    .col(str_col(F::Format, 8))
                    .col(str_col(F::Sha256, 64))
                    .col(str_col(F::Encoding, 16))
                    .col(ColumnDef::new(F::RowsTotal).big_integer().not_null())
                    .col(ColumnDef::new(F::RowsImported).big_integer().not_null())
                    .col(ColumnDef::new(F::RowsDuplicate).big_integer().not_null())
                    .col(ColumnDef::new(F::RowsRejected).big_integer().not_null())
                    .col(ColumnDef::new(F::Rejected).json().not_null())
                    .col(uuid_col(F::CreatedBy))
                    .col(time_col(F::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_import_files__sha256", F::Table, &["kind", "sha256"]).await?;
        use DepartmentRecords as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid_col(R::Id).primary_key())
                    .col(uuid_col(R::ImportId))
                    .col(str_col(R::Kind, 32))
                    .col(str_col(R::SourceRef, 64))
                    .col(str_col(R::SubjectIndex, 64))
                    .col(ColumnDef::new(R::OccurredOn).date().not_null())
                    .col(ColumnDef::new(R::AmountFen).big_integer())
                    .col(ColumnDef::new(R::Details).json().not_null())
                    .col(time_col(R::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_department_records__import_id")
                            .from(R::Table, R::ImportId)
                            .to(F::Table, F::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "uq_department_records__source", R::Table, &["kind", "source_ref"]).await?;
        index(manager, "ix_department_records__subject", R::Table, &["subject_index", "occurred_on"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DepartmentRecords::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ImportFiles::Table).to_owned()).await
    }
}
