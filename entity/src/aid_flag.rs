//! Aid an applicant already gets that duplicates or excludes an item applied for, found at submit
//! or at decision. Reviewers see these; applicants do not.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "aid_flags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub item_code: String,
    pub subject_index: String,
    /// `duplicate` (the same item) or `exclusive` (an item that cannot be held with it).
    pub kind: String,
    /// `submit` or `decision`.
    pub stage: String,
    /// The ledger entry: `recipient:<id>` or `record:<department record id>`.
    pub other_source: String,
    pub other_item_code: String,
    pub other_department: String,
    pub other_from: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
