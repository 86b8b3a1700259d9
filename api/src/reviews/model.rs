//! Requests of the review steps. Each carries the version it was made on: a stale one is 409.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::{DocumentType, RejectReason};

/// A plain step (accept, investigate, close): the application version, and a note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// The application's `version` as last read.
    pub version: i32,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// Asking the applicant for materials; the deadline clock stops until they supplement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    pub version: i32,
    /// What to bring, at least one.
    pub missing: Vec<DocumentType>,
    /// What to do, in words the applicant understands (shown to them).
    #[schema(min_length = 2, max_length = 500, example = "请补充近三个月的医疗费用票据")]
    pub note: String,
}

/// The applicant's side says the materials asked for are attached.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementIn {
    pub version: i32,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// Withdrawing an application before its decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawIn {
    pub version: i32,
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// What the township decides for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DecisionOutcome)]
pub enum Outcome {
    Approved,
    Rejected,
}

/// The decision on one item, made on the item's `version`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemDecisionIn {
    /// The item code, e.g. `dibao`.
    pub code: String,
    /// The item's `version` as last read.
    pub version: i32,
    pub outcome: Outcome,
    /// Required when approved: fen per month for recurring aid, or the one-off sum.
    pub amount_fen: Option<i64>,
    /// Required when rejected: one or more.
    #[serde(default)]
    pub reasons: Vec<RejectReason>,
    /// Required with the reason `other`; shown to the applicant.
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// Decisions on some or all items; the reviewer signs them (谁审核、谁签字、谁负责).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub items: Vec<ItemDecisionIn>,
}

/// Why the emergency path was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyReason {
    /// 火灾、洪涝等灾害.
    Disaster,
    /// 交通事故等意外伤害.
    Accident,
    /// 突发重大疾病.
    SuddenIllness,
    /// 生活无着、流浪乞讨.
    Destitution,
    Other,
}

/// Approve first, supplement later (先批后补): the listed items are approved now, the materials
/// are due within `review.materials_working_days`, and the case is flagged for a re-review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyIn {
    pub version: i32,
    pub reason: EmergencyReason,
    /// The items approved now, each with its amount.
    pub items: Vec<EmergencyItemIn>,
    /// The materials still to come (may be empty).
    #[serde(default)]
    pub missing: Vec<DocumentType>,
    #[schema(min_length = 2, max_length = 500)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyItemIn {
    pub code: String,
    pub amount_fen: i64,
}

/// The district's confirmation of a township proposal (district-level items, or an amount above
/// the township's limit). It may change the amount or refuse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmIn {
    /// The item's `version` as last read.
    pub version: i32,
    pub outcome: Outcome,
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub reasons: Vec<RejectReason>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}
