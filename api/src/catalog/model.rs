use chrono::{DateTime, Utc};
use entity::aid_item;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::DocumentType;

/// Who decides an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalLevel {
    /// 镇街审批
    Township,
    /// 区县审批
    District,
}

impl ApprovalLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Township => "township",
            Self::District => "district",
        }
    }
}

/// Items decided together from one authorization, one investigation and one review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AidGroup {
    /// 五合一: 低保, 特困, 低保边缘, 临时救助, 因病致贫重病患者.
    FiveInOne,
}

impl AidGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FiveInOne => "five_in_one",
        }
    }
}

/// An aid item as anyone can read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AidItemOut {
    /// Stable code, e.g. `dibao`.
    pub code: String,
    pub name: String,
    pub department: String,
    pub group: Option<AidGroup>,
    /// Items that cannot be held together with this one (either side may list the other).
    pub excludes: Vec<String>,
    /// Who qualifies, in plain Chinese.
    pub conditions: String,
    pub required_documents: Vec<DocumentOut>,
    /// The legal time limit for a decision, in working days.
    pub time_limit_working_days: i32,
    pub approval_level: ApprovalLevel,
    /// How the amount is set and who approves which amounts.
    pub amount_rule: Option<String>,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// A required document with the name to show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentOut {
    #[serde(rename = "type")]
    pub r#type: DocumentType,
    pub name: &'static str,
}

impl From<aid_item::Model> for AidItemOut {
    fn from(row: aid_item::Model) -> Self {
        let documents: Vec<DocumentType> = serde_json::from_value(row.required_documents).unwrap_or_default();
        Self {
            excludes: serde_json::from_value(row.excludes).unwrap_or_default(),
            required_documents: documents.into_iter().map(|t| DocumentOut { r#type: t, name: t.name_zh() }).collect(),
            group: (row.group_code.as_deref() == Some("five_in_one")).then_some(AidGroup::FiveInOne),
            approval_level: if row.approval_level == "district" {
                ApprovalLevel::District
            } else {
                ApprovalLevel::Township
            },
            code: row.code,
            name: row.name,
            department: row.department,
            conditions: row.conditions,
            time_limit_working_days: row.time_limit_working_days,
            amount_rule: row.amount_rule,
            active: row.active,
            updated_at: row.updated_at,
        }
    }
}

/// An aid item to create or replace (admin). The code is in the path.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AidItemIn {
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    #[schema(min_length = 1, max_length = 64)]
    pub department: String,
    pub group: Option<AidGroup>,
    /// Codes of existing items this one excludes.
    #[serde(default)]
    pub excludes: Vec<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub conditions: String,
    pub required_documents: Vec<DocumentType>,
    #[schema(minimum = 1, maximum = 365)]
    pub time_limit_working_days: i32,
    pub approval_level: ApprovalLevel,
    #[schema(max_length = 500)]
    pub amount_rule: Option<String>,
    /// Position in lists (ascending).
    #[serde(default)]
    pub sort_order: i32,
    /// `false` hides the item from new applications.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// The catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogOut {
    pub items: Vec<AidItemOut>,
}
