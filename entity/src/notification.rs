//! The notification outbox: written in the transaction of the change it announces, delivered by
//! a job with retries and back-off, its delivery status kept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The resident to tell; none when the applicant has no account (the helper tells them).
    pub account_id: Option<Uuid>,
    pub template: String,
    pub payload: Json,
    /// `pending`, `sent`, `failed` (gave up) or `skipped` (nobody to send to).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
