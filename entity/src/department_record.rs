//! A record from another department (a medical bill, a disability certificate, a death, ...),
//! about a person known only by the ID blind index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub import_id: Uuid,
    pub kind: String,
    /// The department's own record id; unique per kind.
    pub source_ref: String,
    pub subject_index: String,
    pub occurred_on: Date,
    pub amount_fen: Option<i64>,
    /// What else the kind carries (`grade`, `lives_alone`, `college`).
    pub details: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
