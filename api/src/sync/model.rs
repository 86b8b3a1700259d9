//! What the sync endpoints take and return.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use super::commands::{OpDoc, OpIn, OpName};

/// The most operations one push may carry.
pub const MAX_OPS: usize = 500;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushIn {
    pub device_id: Uuid,
    /// 1 to 500 operations; applied in `seq` order.
    #[schema(min_items = 1, max_items = 500, value_type = Vec<OpDoc>)]
    pub ops: Vec<OpIn>,
}

/// How the server answered one pushed operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OpOutcome)]
pub enum Outcome {
    Applied,
    Duplicate,
    Conflict,
    Rejected,
    RetryLater,
}

/// The answer to one operation.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct OpResult {
    pub op_id: Uuid,
    pub seq: i64,
    pub outcome: Outcome,
    /// For `duplicate`: what the op got the first time.
    pub original: Option<Outcome>,
    /// The application's version after the op (`applied`), or now (`conflict`).
    pub version: Option<i32>,
    /// Server-side facts of the record (`applied`): e.g. the application's status.
    #[schema(value_type = Option<Object>)]
    pub server: Option<Value>,
    /// A stable code for `conflict`, `rejected` and `retry_later`.
    pub code: Option<String>,
    /// What to do, in Chinese.
    pub message: Option<String>,
    /// Field problems of a `rejected` op: `field`, `code`, `message`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub errors: Option<Value>,
    /// For a gap (`SEQUENCE_GAP`), or after an op the server could not apply (`RETRY_LATER`): the
    /// sequence number to send first.
    pub expected_seq: Option<i64>,
    /// For `WAITING_FOR_EARLIER_OP`: the op (waiting for its upload) that this one waits behind,
    /// because both name the same record.
    pub waiting_for: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushOut {
    pub device_id: Uuid,
    /// Every op of this device up to this sequence number is answered for good. Ops past it may be
    /// answered too (those after an op that waits, on other records): resend every op not
    /// answered for good; those answered come back `duplicate`.
    pub applied_seq: i64,
    pub results: Vec<OpResult>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    pub device_id: Uuid,
    /// List the answers kept for this device's ops numbered above this (default: `applied_seq`).
    #[param(minimum = 0)]
    pub after: Option<i64>,
}

/// Where a device stands: what it missed after a lost answer, and what to resend.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusOut {
    pub device_id: Uuid,
    /// Every op up to this sequence number is answered for good.
    pub applied_seq: i64,
    /// The answers kept for the ops numbered above `after`, in sequence order, at most 500, each
    /// as first given. An op past `applied_seq` that is not listed was not answered for good:
    /// resend it.
    pub results: Vec<OpResult>,
    /// More answers wait: ask again with `after` set to the last listed `seq`.
    pub more: bool,
    /// Conflicts of this account waiting to be resolved.
    pub open_conflicts: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatus {
    Open,
    Resolved,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConflictQuery {
    #[param(inline)]
    pub status: ConflictStatus,
}

/// A kept conflict.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictOut {
    pub id: Uuid,
    pub op_id: Uuid,
    pub account_id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    pub code: String,
    pub base_version: Option<i32>,
    pub server_version: Option<i32>,
    /// The operation as pushed.
    #[schema(value_type = Object)]
    pub op: Value,
    pub status: String,
    pub resolution: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The change was made again on the server's current version (by a new op or online).
    Reapplied,
    /// The change is not wanted any more.
    Discarded,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reapplied => "reapplied",
            Self::Discarded => "discarded",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIn {
    pub resolution: Resolution,
    /// 2 to 500 characters.
    pub note: String,
}

/// The most changes one pull page may carry.
pub const MAX_PULL: u64 = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// `cursor` of the previous page or pull, as given (opaque); none for a full sync.
    #[param(max_length = 40)]
    pub cursor: Option<String>,
    /// 1 to 1000 changes, default 500.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PulledKind {
    /// An application with its items, members (ID numbers masked), documents and signatures.
    Application,
    /// A check-in period of a recipient of the community (done, missed, pending).
    CheckinPeriod,
    /// A home visit owed to a recipient of the community.
    CheckinTask,
    /// An aid item of the catalog.
    AidItem,
    Region,
}

impl PulledKind {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "application" => Self::Application,
            "checkin_period" => Self::CheckinPeriod,
            "checkin_task" => Self::CheckinTask,
            "aid_item" => Self::AidItem,
            "region" => Self::Region,
            _ => return None,
        })
    }
}

/// One record as it is now, or its tombstone (`deleted`, no record).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    /// The record's place in the server's change sequence.
    pub seq: i64,
    pub entity: PulledKind,
    /// The record's id (a UUID, or the code of an aid item or region).
    pub id: String,
    /// The record was deleted: drop it from the phone.
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<crate::applications::model::ApplicationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkin_period: Option<crate::checkins::model::StaffPeriodOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkin_task: Option<crate::checkins::model::TaskOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aid_item: Option<crate::catalog::model::AidItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<crate::regions::model::RegionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PullOut {
    /// Send as `cursor` next time (opaque).
    pub cursor: String,
    /// More changes wait: pull again at once with the new cursor.
    pub more: bool,
    pub changes: Vec<ChangeOut>,
}
