use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rules::{HouseholdFacts, MemberFacts, Rule};
use crate::catalog::model::{AidGroup, DocumentOut};

/// Household-level facts, the same for the pre-check and an application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdIn {
    /// Savings, securities and vehicles together, in fen.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub assets_fen: i64,
    /// Out-of-pocket medical costs of the last 12 months, in fen.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub medical_expense_fen: i64,
    /// A fire, accident, sudden illness or similar made daily life suddenly hard.
    #[serde(default)]
    pub sudden_hardship: bool,
    #[serde(default)]
    pub housing_difficulty: bool,
    /// Someone outside the household is legally bound and able to support it.
    #[serde(default)]
    pub has_supporter: bool,
}

/// A household's facts for the pre-check. Nothing here names a person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "community_code": "500199001001",
    "members": [{"age": 68, "monthly_income_fen": 30000, "disabled": true}, {"age": 12, "student": true}],
    "household": {"assets_fen": 200000}
}))]
pub struct PrecheckIn {
    /// Where the household lives (12 digits): its rules and 低保 standard apply.
    #[schema(min_length = 12, max_length = 12, pattern = "^[0-9]{12}$")]
    pub community_code: String,
    #[schema(min_items = 1, max_items = 20)]
    pub members: Vec<MemberFactsIn>,
    /// Household-level facts.
    #[serde(default)]
    pub household: HouseholdIn,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFactsIn {
    #[schema(minimum = 0, maximum = 130)]
    pub age: u32,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub monthly_income_fen: i64,
    #[serde(default)]
    pub disabled: bool,
    /// A grade 1 or 2 disability certificate.
    #[serde(default)]
    pub severe_disability: bool,
    #[serde(default)]
    pub severe_illness: bool,
    #[serde(default)]
    pub student: bool,
    #[serde(default)]
    pub unemployed: bool,
}

impl From<&PrecheckIn> for HouseholdFacts {
    fn from(input: &PrecheckIn) -> Self {
        Self {
            members: input
                .members
                .iter()
                .map(|m| MemberFacts {
                    age: m.age,
                    monthly_income_fen: m.monthly_income_fen,
                    disabled: m.disabled,
                    severe_disability: m.severe_disability,
                    severe_illness: m.severe_illness,
                    student: m.student,
                    unemployed: m.unemployed,
                })
                .collect(),
            assets_fen: input.household.assets_fen,
            medical_expense_fen: input.household.medical_expense_fen,
            sudden_hardship: input.household.sudden_hardship,
            housing_difficulty: input.household.housing_difficulty,
            has_supporter: input.household.has_supporter,
        }
    }
}

/// The items the household likely qualifies for. A suggestion, not a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrecheckOut {
    /// The region whose rules were applied (the community or the nearest one above it).
    pub rules_region_code: String,
    pub dibao_standard_fen: i64,
    pub income_per_person_fen: i64,
    pub suggestions: Vec<SuggestionOut>,
    /// "预判结果仅供参考,以审核认定为准" or its English.
    pub notice: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionOut {
    pub item_code: String,
    pub name: String,
    pub department: String,
    pub group: Option<AidGroup>,
    /// Suggested items that cannot be held together with this one: choose one.
    pub excludes: Vec<String>,
    pub reasons: Vec<String>,
    pub required_documents: Vec<DocumentOut>,
}

/// A region's pre-check rules (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetIn {
    /// The local 低保 standard per person and month, in fen.
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub dibao_standard_fen: i64,
    #[schema(max_items = 200)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleSetOut {
    /// The region the rules are stored for; it may be above the one asked for.
    pub region_code: String,
    pub dibao_standard_fen: i64,
    pub rules: Vec<Rule>,
    pub updated_at: DateTime<Utc>,
}
