//! What a decision can say.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why an item is refused; shown to the applicant with the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// 家庭人均收入高于当地标准.
    IncomeAboveStandard,
    /// 家庭财产超过规定.
    AssetsAboveLimit,
    /// 不符合该事项的对象条件.
    NotEligible,
    /// 隐瞒或虚报家庭情况.
    FalseInformation,
    /// 经提醒仍未补齐材料.
    MaterialsMissing,
    /// 拒绝配合调查核实.
    RefusedInvestigation,
    /// Another reason, written in `note`.
    Other,
}

impl RejectReason {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::IncomeAboveStandard => "家庭人均收入高于当地保障标准",
            Self::AssetsAboveLimit => "家庭财产状况超过规定",
            Self::NotEligible => "不符合该事项的救助对象条件",
            Self::FalseInformation => "隐瞒或虚报家庭经济状况",
            Self::MaterialsMissing => "经告知仍未补齐必要材料",
            Self::RefusedInvestigation => "拒绝配合调查核实",
            Self::Other => "其他原因",
        }
    }
}
