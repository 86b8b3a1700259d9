//! A community service point with a printed QR code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_points")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub community_code: String,
    pub name: String,
    pub created_at: DateTimeUtc,
    /// After this the code no longer resolves; none: no expiry.
    pub expires_at: Option<DateTimeUtc>,
    /// Set when an admin withdrew the code (a lost or defaced poster).
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
