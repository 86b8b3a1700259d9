//! A person in the low-income monitoring pool (动态监测): watched, with the reason and a date to
//! look again. Found by the ID blind index only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitoring_subjects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_index: String,
    /// `rejected_applicant`, ... (the eight watched groups).
    pub group_code: String,
    pub reason: String,
    /// Where the entry came from, e.g. `application:<id>:<item>`; unique per group and person.
    pub source_ref: String,
    pub application_id: Option<Uuid>,
    pub community_code: String,
    pub township_code: String,
    pub review_date: Date,
    /// The legal basis of the watching, e.g. the application's signed authorization.
    pub consent_basis: String,
    /// The name and masked ID number to show (`500101********1234`).
    pub name: String,
    pub id_number_masked: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
