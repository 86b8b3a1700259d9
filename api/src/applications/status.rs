//! The words an application is stored with: its status and members' relations.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an application (or one of its items) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in; only the applicant's side sees it.
    Draft,
    /// Sent to the township; read-only for the applicant.
    Submitted,
}

impl Status {
    pub const ALL: [Self; 2] = [Self::Draft, Self::Submitted];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
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
