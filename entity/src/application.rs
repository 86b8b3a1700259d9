//! An application: one household asking for one or more aid items.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    /// Made by the client (UUID v7 when offline): a repeated create finds it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `JZ-2026-500199-000123`, assigned on submit.
    pub number: Option<String>,
    /// `draft`, `submitted`, ... (see `api::applications::status`).
    pub status: String,
    /// Where the household lives: it decides the handling township, not 户籍.
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub service_point_id: Option<Uuid>,
    /// The applicant's own account, when the applicant has one (none when a helper files for
    /// someone without a phone).
    pub subject_account_id: Option<Uuid>,
    /// Who filled it in: the resident or a helper.
    pub actor_account_id: Uuid,
    pub actor_role: String,
    pub actor_helper_kind: Option<String>,
    pub actor_organisation: Option<String>,
    /// The phone that receives progress.
    pub contact_phone: Option<String>,
    /// Household-level facts (assets, medical costs, hardship ...), JSON.
    pub household: Json,
    pub note: Option<String>,
    /// SHA-256 of the create request, to tell a retry from a different request with the same id.
    pub content_hash: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    /// The day a return for materials paused the deadline clock; none while it runs.
    pub paused_on: Option<Date>,
    /// The status to go back to when the applicant supplements a return.
    pub resume_status: Option<String>,
    /// The deadline for materials asked for (a return, or after an emergency approval).
    pub materials_due: Option<Date>,
    /// Document type codes asked for (a JSON array), while some are outstanding.
    pub missing_documents: Option<Json>,
    /// Approved first on the emergency path (先批后补), materials to follow.
    pub emergency: bool,
    pub emergency_reason: Option<String>,
    /// Set when an emergency approval's materials did not arrive in time: decide again.
    pub re_review: bool,
    pub decided_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
