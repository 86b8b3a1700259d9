//! One economic check of an application's household against other departments' data, sent with
//! the signed authorization's id and a pseudonymous subject reference (never the ID number).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "investigations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub authorization_id: Uuid,
    pub subject_ref: String,
    /// `completed` or `failed`.
    pub status: String,
    pub requested_by: Uuid,
    pub requested_at: DateTimeUtc,
    /// The data-exchange service's findings, as it sent them.
    pub results: Option<Json>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
