//! Request and response types of applications, members and their lists.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ProblemField;
pub use crate::precheck::model::HouseholdIn;
use crate::vocab::DocumentType;
use crate::vocab::{HelperKind, Role};
use crate::vocab::{ItemStatus, Relation, Status};

/// A new application (a draft until submitted). The id is made by the phone: sending the same
/// request again returns the same application; the same id with other content is a 409.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "0193a0e4-5b1c-7d2e-9f00-1a2b3c4d5e6f", "community_code": "500199001001",
    "items": ["dibao", "medical"], "household": {"assets_fen": 200000}}))]
pub struct ApplicationIn {
    pub id: Uuid,
    /// Where the household lives (12 digits), e.g. from `POST /api/v1/scan`.
    #[schema(min_length = 12, max_length = 12, pattern = "^[0-9]{12}$")]
    pub community_code: String,
    /// The scanned service point, if any.
    pub service_point_id: Option<Uuid>,
    /// Item codes of the catalog, 1 to 13.
    #[schema(min_items = 1, max_items = 13)]
    pub items: Vec<String>,
    /// The mobile number that receives progress; required when a helper files.
    #[schema(pattern = "^1[3-9][0-9]{9}$")]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub household: HouseholdIn,
    /// 申请理由 or anything the reviewer should know.
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// The editable part of a draft (everything but the id and the community).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationUpdateIn {
    #[schema(min_items = 1, max_items = 13)]
    pub items: Vec<String>,
    #[schema(pattern = "^1[3-9][0-9]{9}$")]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub household: HouseholdIn,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// The `version` the phone last read: when someone changed the draft since (another helper,
    /// the resident on a second phone), the save is refused with 409 instead of overwriting it.
    pub version: Option<i32>,
}

/// A household member. The ID number goes in once and only ever comes back masked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "张秀英", "relation": "self", "id_number": "11010519491231002X", "monthly_income_fen": 30000}))]
pub struct MemberIn {
    #[schema(min_length = 1, max_length = 32)]
    pub name: String,
    pub relation: Relation,
    /// 18 characters; checked (GB 11643-1999 check digit, a real birth date not in the future).
    #[schema(min_length = 18, max_length = 18, pattern = "^[0-9]{17}[0-9Xx]$")]
    pub id_number: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub monthly_income_fen: i64,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub severe_disability: bool,
    #[serde(default)]
    pub severe_illness: bool,
    #[serde(default)]
    pub student: bool,
    #[serde(default)]
    pub unemployed: bool,
}

/// A member's facts as stored (JSON beside the encrypted ID).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberFactsOut {
    pub monthly_income_fen: i64,
    pub disabled: bool,
    pub severe_disability: bool,
    pub severe_illness: bool,
    pub student: bool,
    pub unemployed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub id: Uuid,
    pub name: String,
    pub relation: Relation,
    /// `500101********1234`.
    pub id_number_masked: String,
    pub birth_date: NaiveDate,
    pub age: u32,
    #[serde(flatten)]
    pub facts: MemberFactsOut,
}

/// The answer to a change of a draft's member, document or signature: the record, with the
/// application's version after the change (send it as `version` with the next `PUT`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed<T> {
    #[serde(flatten)]
    pub record: T,
    /// The application's version after this answer.
    pub application_version: i32,
}

/// The answer to a removal from a draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemovedOut {
    /// The application's version after the removal.
    pub application_version: i32,
}

/// Who filled the application in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorOut {
    pub account_id: Uuid,
    pub role: Role,
    pub helper_kind: Option<HelperKind>,
    pub organisation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    pub code: String,
    pub name: String,
    pub department: String,
    pub status: ItemStatus,
    pub time_limit_working_days: i32,
    /// The legal deadline, set on submit, moved on by the days the clock stood still.
    pub due_date: Option<NaiveDate>,
    /// `on_time`, `warning` (75% of the time used) or `overdue`.
    pub sla_state: String,
    /// Send it back with a decision on this item; a stale one gets 409 `VERSION_CONFLICT`.
    pub version: i32,
    /// The approved amount in fen (per month for recurring aid).
    pub amount_fen: Option<i64>,
    /// Reason codes of a rejection.
    pub reasons: Option<Vec<String>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A document attached to the application.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentOut {
    pub document_id: Uuid,
    #[serde(rename = "type")]
    pub r#type: DocumentType,
    pub member_id: Option<Uuid>,
    pub content_type: String,
    pub byte_size: i64,
    /// SHA-256 of the stored bytes (for photos: the normalised copy).
    pub sha256: String,
    /// Stored size of a photo, in pixels (upright, at most 2048 on the long side).
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// A 320 px thumbnail exists (`…/content?size=thumbnail`).
    pub thumbnail: bool,
    /// Quality checks the photo failed without being refused: how to retake it for a better one.
    pub warnings: Vec<PhotoWarningOut>,
    pub attached_at: DateTime<Utc>,
}

/// A failed photo check that did not refuse the upload.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhotoWarningOut {
    /// `IMAGE_TOO_SMALL`, `IMAGE_BLURRY`, `IMAGE_TOO_DARK`, `IMAGE_OVEREXPOSED` or `FACE_NOT_FOUND`.
    pub code: String,
    /// What to do, in the caller's language.
    pub message: String,
}

impl From<imaging::quality::Check> for PhotoWarningOut {
    fn from(check: imaging::quality::Check) -> Self {
        Self { code: check.code().to_owned(), message: crate::documents::imaging_errors::retake(check).localized() }
    }
}

/// A signed authorization, as evidence.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizationOut {
    pub id: Uuid,
    pub text_version: String,
    pub text_hash: String,
    pub scope: Vec<String>,
    pub signer_member_id: Uuid,
    pub signer_capacity: String,
    pub signer_relation: Option<String>,
    pub covers: Vec<Uuid>,
    pub signature_document_id: Uuid,
    pub device: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

/// An application with everything in it. ID numbers are masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationOut {
    pub id: Uuid,
    /// `JZ-2026-500199-000123`, once submitted.
    pub number: Option<String>,
    pub status: Status,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub service_point_id: Option<Uuid>,
    /// The applicant's account, when they have one.
    pub subject_account_id: Option<Uuid>,
    pub actor: ActorOut,
    pub contact_phone: Option<String>,
    pub household: HouseholdIn,
    pub note: Option<String>,
    pub items: Vec<ItemOut>,
    pub members: Vec<MemberOut>,
    pub documents: Vec<AttachmentOut>,
    pub authorizations: Vec<AuthorizationOut>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Reviewers and supervisors only: photos that look like photos on another person's
    /// application (one ID card photo reused across households). Absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_flags: Option<Vec<crate::documents::flags::FlagOut>>,
    /// Reviewers and supervisors only: aid a member already gets (from any department) that
    /// duplicates or excludes an item applied for, found at submit or at decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aid_flags: Option<Vec<crate::monitoring::model::AidFlagOut>>,
}

/// One line of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationSummaryOut {
    pub id: Uuid,
    /// `JZ-2026-500199-000001`, from submit on.
    pub number: Option<String>,
    pub status: Status,
    /// The status in words, e.g. `调查核实中`.
    pub status_name: String,
    pub community_code: String,
    /// e.g. `和平社区`.
    pub community_name: String,
    /// e.g. `青石街道`.
    pub township_name: String,
    /// Item codes, in catalog order.
    pub items: Vec<String>,
    /// The items' names, in the order of `items`, e.g. `最低生活保障`.
    pub item_names: Vec<String>,
    /// The nearest legal deadline among the items still being decided.
    pub next_due_date: Option<NaiveDate>,
    pub actor_role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// What a draft still lacks before it can be submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistOut {
    /// True when a submit would go through the completeness check now.
    pub ready: bool,
    pub status: Status,
    pub version: i32,
    /// Every missing piece, as `errors[]` of a submit's `APPLICATION_INCOMPLETE` would list it
    /// (`MISSING_APPLICANT`, `MISSING_DOCUMENT`, `MISSING_SIGNATURE`, `ITEMS_EXCLUSIVE`, `REQUIRED`).
    pub missing: Vec<ProblemField>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListQuery {
    /// From `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    pub status: Option<Status>,
}

/// Why a reviewer reads the full ID number; kept in the audit log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealIn {
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevealOut {
    pub member_id: Uuid,
    pub id_number: String,
}
