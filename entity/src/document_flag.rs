//! A near-duplicate photo: a document of this application looks like (perceptual hash within a
//! few bits) a document on another person's application. Shown to reviewers, never to applicants.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_flags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub document_id: Uuid,
    pub matched_document_id: Uuid,
    pub matched_application_id: Uuid,
    pub distance: i16,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
