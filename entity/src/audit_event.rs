//! One line of the append-only audit log. Rows are inserted, never updated or deleted (a database
//! trigger refuses both). `details` must not hold unmasked ID numbers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<String>,
    /// What happened, e.g. `auth.sign_in`, `person.read_id_number`.
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub region_code: Option<String>,
    pub request_id: Option<String>,
    pub details: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
