//! A month's random sample of a township's decided applications: the seed and the population are
//! kept, so anyone can draw the same sample again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_samples")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub township_code: String,
    pub district_code: String,
    /// `YYYY-MM`.
    pub month: String,
    pub rate_percent: i32,
    /// Hex; the draw orders the population by SHA-256(seed ‖ id).
    pub seed: String,
    /// Application ids decided in the month (a JSON array, sorted).
    pub population: Json,
    pub chosen: Json,
    pub created_at: DateTimeUtc,
    pub created_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
