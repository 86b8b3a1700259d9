//! One imported department file: unique per kind and SHA-256, so the same file again changes
//! nothing. `rejected` holds the first rejected rows (line, field, code, message).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    /// `csv` or `jsonl`.
    pub format: String,
    pub sha256: String,
    /// What the file was written in (`UTF-8`, `gb18030`).
    pub encoding: String,
    pub rows_total: i64,
    pub rows_imported: i64,
    /// Records another file of the kind brought already (same department record id).
    pub rows_duplicate: i64,
    pub rows_rejected: i64,
    /// Records about people the platform does not know (no lead can be raised for them).
    pub rows_unmatched: i64,
    pub leads_raised: i64,
    pub rejected: Json,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
