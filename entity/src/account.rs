//! A person who signs in: a resident (WeChat openid) or a member of staff (username and password).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `resident`, `helper`, `township_reviewer`, `district_supervisor` or `admin`.
    pub role: String,
    pub display_name: String,
    /// The region a member of staff works in; none for residents and platform admins.
    pub region_code: Option<String>,
    pub helper_kind: Option<String>,
    pub organisation: Option<String>,
    /// Lower case; staff only.
    pub username: Option<String>,
    /// An argon2id PHC string; staff only. Never leaves the server.
    pub password_hash: Option<String>,
    pub wechat_openid: Option<String>,
    pub wechat_unionid: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_sign_in_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
