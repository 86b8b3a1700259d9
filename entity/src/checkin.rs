//! One check-in attempt, passed or failed: who did it (the recipient remotely, or a helper on a
//! visit), how it was verified and how sure that is, and the evidence. The selfie is purged after
//! the retention period; its perceptual hash stays for replay checks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub subject_index: String,
    pub actor_id: Uuid,
    pub actor_role: String,
    /// `remote` or `assisted`.
    pub mode: String,
    /// `wechat`, `local`, another provider's name, or `helper`.
    pub verifier: String,
    /// `high`, `low` or `assisted`.
    pub assurance: String,
    /// `passed` or `failed`.
    pub outcome: String,
    pub failure_reason: Option<String>,
    pub provider_ref: Option<String>,
    pub action: Option<String>,
    pub captured_at: Option<DateTimeUtc>,
    pub device: Option<Json>,
    pub location_note: Option<String>,
    pub selfie_key: Option<String>,
    pub selfie_sha256: String,
    pub phash: i64,
    pub selfie_purged_at: Option<DateTimeUtc>,
    pub sampled: bool,
    /// `confirmed` or `doubtful`, once a reviewer looked at a sampled check-in.
    pub review_verdict: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
