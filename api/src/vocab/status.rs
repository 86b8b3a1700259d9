//! The words an application is stored with: its status and members' relations.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an application stands. The review commands (`crate::reviews`) move it:
///
/// ```text
/// draft -> submitted -> accepted -> investigating -> decided -> closed
///             |            |             |
///             +------------+-------------+--> returned (materials asked for) -> back where it was
///  submitted, accepted, returned, investigating --> withdrawn (by the applicant's side)
///  submitted, accepted, investigating --emergency approval (先批后补)--> decided
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in; only the applicant's side sees it.
    Draft,
    /// Sent to the township; read-only for the applicant.
    Submitted,
    /// The township accepted it for handling (受理).
    Accepted,
    /// Materials were asked for; the deadline clock stands still until the applicant supplements.
    Returned,
    /// The household is being investigated, with the economic check.
    Investigating,
    /// Every item has its decision.
    Decided,
    /// Done (after the decisions were delivered and any follow-up finished).
    Closed,
    /// Withdrawn by the applicant's side before a decision.
    Withdrawn,
}

impl Status {
    pub const ALL: [Self; 8] = [
        Self::Draft,
        Self::Submitted,
        Self::Accepted,
        Self::Returned,
        Self::Investigating,
        Self::Decided,
        Self::Closed,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Investigating => "investigating",
            Self::Decided => "decided",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Under way: the township still owes a decision.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted | Self::Returned | Self::Investigating)
    }

    /// 中文 name, for timelines and messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交",
            Self::Accepted => "已受理",
            Self::Returned => "待补正材料",
            Self::Investigating => "调查核实中",
            Self::Decided => "已审批",
            Self::Closed => "已办结",
            Self::Withdrawn => "已撤回",
        }
    }
}

/// Where one item of an application stands. Before a decision it follows the application
/// (五合一: one investigation, one review); then each item has its own outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Draft,
    Submitted,
    Accepted,
    Returned,
    Investigating,
    /// Decided by the township, waiting for the district's confirmation (district-level items,
    /// or an amount above the township's limit).
    PendingDistrict,
    Approved,
    Rejected,
    Withdrawn,
}

impl ItemStatus {
    pub const ALL: [Self; 9] = [
        Self::Draft,
        Self::Submitted,
        Self::Accepted,
        Self::Returned,
        Self::Investigating,
        Self::PendingDistrict,
        Self::Approved,
        Self::Rejected,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Investigating => "investigating",
            Self::PendingDistrict => "pending_district",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The item's status while the application is in `status` and the item has no decision.
    pub fn following(status: Status) -> Option<Self> {
        match status {
            Status::Draft => Some(Self::Draft),
            Status::Submitted => Some(Self::Submitted),
            Status::Accepted => Some(Self::Accepted),
            Status::Returned => Some(Self::Returned),
            Status::Investigating => Some(Self::Investigating),
            Status::Withdrawn => Some(Self::Withdrawn),
            Status::Decided | Status::Closed => None,
        }
    }

    /// Has its outcome (or will never have one).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Rejected | Self::Withdrawn)
    }

    /// Waiting for the township's decision.
    pub fn awaits_township(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted | Self::Returned | Self::Investigating)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交",
            Self::Accepted => "已受理",
            Self::Returned => "待补正材料",
            Self::Investigating => "调查核实中",
            Self::PendingDistrict => "待区县确认",
            Self::Approved => "已批准",
            Self::Rejected => "不予批准",
            Self::Withdrawn => "已撤回",
        }
    }
}

/// A member's relation to the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The applicant (申请人本人).
    #[serde(rename = "self")]
    Applicant,
    Spouse,
    Child,
    Parent,
    Grandparent,
    Grandchild,
    Sibling,
    Other,
}

impl Relation {
    pub const ALL: [Self; 8] = [
        Self::Applicant,
        Self::Spouse,
        Self::Child,
        Self::Parent,
        Self::Grandparent,
        Self::Grandchild,
        Self::Sibling,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "self",
            Self::Spouse => "spouse",
            Self::Child => "child",
            Self::Parent => "parent",
            Self::Grandparent => "grandparent",
            Self::Grandchild => "grandchild",
            Self::Sibling => "sibling",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}
