//! The photo pipeline's record of each document: the SHA-256 of what was uploaded (beside the
//! stored bytes' own), the thumbnail, the stored size, the quality findings, and a 64-bit
//! perceptual hash with its four 16-bit bands indexed (near-duplicates across households).
//! `document_flags` keeps each near-duplicate found for a reviewer.

use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_applications::{Applications, Documents, fk, time_col, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DocumentPhotos {
    OriginalSha256,
    ThumbnailKey,
    Width,
    Height,
    Phash,
    PhashB0,
    PhashB1,
    PhashB2,
    PhashB3,
    Quality,
}

#[derive(DeriveIden)]
enum DocumentFlags {
    Table,
    Id,
    ApplicationId,
    DocumentId,
    MatchedDocumentId,
    MatchedApplicationId,
    Distance,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use DocumentPhotos as P;
        // One column per statement: SQLite alters one thing at a time.
        let columns = [
            ColumnDef::new(P::OriginalSha256).string_len(64).not_null().default("").to_owned(),
            ColumnDef::new(P::ThumbnailKey).string_len(128).to_owned(),
            ColumnDef::new(P::Width).integer().to_owned(),
            ColumnDef::new(P::Height).integer().to_owned(),
            ColumnDef::new(P::Phash).big_integer().to_owned(),
            ColumnDef::new(P::PhashB0).integer().to_owned(),
            ColumnDef::new(P::PhashB1).integer().to_owned(),
            ColumnDef::new(P::PhashB2).integer().to_owned(),
            ColumnDef::new(P::PhashB3).integer().to_owned(),
            ColumnDef::new(P::Quality).json().to_owned(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table(Documents::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(Documents::Table)
                    .value(P::OriginalSha256, Expr::col(Documents::Sha256))
                    .to_owned(),
            )
            .await?;
        for (name, first) in [
            ("ix_documents__owner_original", Documents::OwnerAccountId),
            ("ix_documents__uploader_original", Documents::UploadedBy),
        ] {
            manager
                .create_index(
                    Index::create().name(name).table(Documents::Table).col(first).col(P::OriginalSha256).to_owned(),
                )
                .await?;
        }
        for (name, band) in [
            ("ix_documents__phash_b0", P::PhashB0),
            ("ix_documents__phash_b1", P::PhashB1),
            ("ix_documents__phash_b2", P::PhashB2),
            ("ix_documents__phash_b3", P::PhashB3),
        ] {
            manager.create_index(Index::create().name(name).table(Documents::Table).col(band).to_owned()).await?;
        }

        use DocumentFlags as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid_col(F::Id).primary_key())
                    .col(uuid_col(F::ApplicationId))
                    .col(uuid_col(F::DocumentId))
                    .col(uuid_col(F::MatchedDocumentId))
                    .col(uuid_col(F::MatchedApplicationId))
                    .col(ColumnDef::new(F::Distance).small_integer().not_null())
                    .col(time_col(F::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_document_flags__application_id",
                        (F::Table, F::ApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_document_flags__document_id",
                        (F::Table, F::DocumentId),
                        (Documents::Table, Documents::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_document_flags__matched_document_id",
                        (F::Table, F::MatchedDocumentId),
                        (Documents::Table, Documents::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_document_flags__matched_application_id",
                        (F::Table, F::MatchedApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_document_flags__pair")
                    .table(F::Table)
                    .col(F::ApplicationId)
                    .col(F::DocumentId)
                    .col(F::MatchedDocumentId)
                    .col(F::MatchedApplicationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DocumentFlags::Table).to_owned()).await?;
        for name in [
            "ix_documents__owner_original",
            "ix_documents__uploader_original",
            "ix_documents__phash_b0",
            "ix_documents__phash_b1",
            "ix_documents__phash_b2",
            "ix_documents__phash_b3",
        ] {
            manager.drop_index(Index::drop().name(name).table(Documents::Table).to_owned()).await?;
        }
        use DocumentPhotos as P;
        for column in [
            P::OriginalSha256,
            P::ThumbnailKey,
            P::Width,
            P::Height,
            P::Phash,
            P::PhashB0,
            P::PhashB1,
            P::PhashB2,
            P::PhashB3,
            P::Quality,
        ] {
            manager.alter_table(Table::alter().table(Documents::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
