//! One aid item of the catalog.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "aid_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// The department that decides it, e.g. 民政局, 医疗保障局.
    pub department: String,
    /// Items of one group are decided from one authorization, investigation and review (五合一).
    pub group_code: Option<String>,
    /// Codes of items that cannot be held together with this one (a JSON array).
    pub excludes: Json,
    pub conditions: String,
    /// Document type codes (a JSON array).
    pub required_documents: Json,
    pub time_limit_working_days: i32,
    /// `township` or `district`.
    pub approval_level: String,
    pub amount_rule: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
