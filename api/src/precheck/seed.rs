//! Demo pre-check rules for the demo district, written as the data an admin would send to
//! `PUT /api/v1/precheck/rules/{code}`. The thresholds are illustrations, not any city's policy.

use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::model::RuleSetIn;
use super::service;
use crate::error::ApiError;
use crate::vocab::RegionCode;

/// The demo 低保 standard: 780 yuan per person and month.
pub const DEMO_DIBAO_STANDARD_FEN: i64 = 78_000;

fn demo_rules() -> Value {
    let low_income =
        json!({"fact": "income_ratio", "op": "lt", "value": 1.0, "reason": "家庭人均月收入低于当地低保标准"});
    let assets_ok = json!({"fact": "assets_per_person_fen", "op": "le", "value": 5_000_000, "reason": "人均家庭财产未超过当地规定(5万元)"});
    let below_1_5 =
        json!({"fact": "income_ratio", "op": "lt", "value": 1.5, "reason": "家庭人均月收入低于当地低保标准的1.5倍"});
    json!([
        {"item": "dibao", "all": [low_income, assets_ok]},
        {"item": "tekun",
         "all": [
            {"fact": "able_to_work_count", "op": "eq", "value": 0, "reason": "家庭成员均无劳动能力(老年、残疾或未成年)"},
            {"fact": "has_supporter", "op": "eq", "value": 0, "reason": "无法定赡养、抚养、扶养义务人或其无履行能力"},
            {"fact": "income_ratio", "op": "lt", "value": 1.3, "reason": "无稳定生活来源"}],
         "any": [
            {"fact": "elderly_count", "op": "ge", "value": 1, "reason": "有60周岁以上老年人"},
            {"fact": "disabled_count", "op": "ge", "value": 1, "reason": "有残疾人"},
            {"fact": "minor_count", "op": "ge", "value": 1, "reason": "有未满16周岁的未成年人"}]},
        {"item": "dibao_edge", "all": [
            {"fact": "income_ratio", "op": "ge", "value": 1.0, "reason": "家庭人均月收入高于低保标准"},
            below_1_5, assets_ok]},
        {"item": "temporary", "all": [
            {"fact": "sudden_hardship", "op": "eq", "value": 1, "reason": "遭遇突发事件,基本生活暂时出现严重困难"}]},
        {"item": "illness_poverty", "all": [
            {"fact": "severe_illness_count", "op": "ge", "value": 1, "reason": "家庭成员患重特大疾病"},
            {"fact": "income_ratio", "op": "lt", "value": 2.0, "reason": "家庭人均月收入低于当地低保标准的2倍"}]},
        {"item": "medical", "all": [below_1_5], "any": [
            {"fact": "severe_illness_count", "op": "ge", "value": 1, "reason": "家庭成员患重特大疾病"},
            {"fact": "medical_expense_fen", "op": "ge", "value": 1_000_000, "reason": "近12个月自付医疗费用超过1万元"}]},
        {"item": "public_rental_housing", "all": [
            {"fact": "housing_difficulty", "op": "eq", "value": 1, "reason": "住房困难"}, below_1_5]},
        {"item": "education", "all": [
            {"fact": "student_count", "op": "ge", "value": 1, "reason": "家中有在校学生"}, below_1_5]},
        {"item": "employment", "all": [
            {"fact": "unemployed_count", "op": "ge", "value": 1, "reason": "有登记失业的劳动年龄成员"}, below_1_5]},
        {"item": "disability_living_allowance", "all": [
            {"fact": "disabled_count", "op": "ge", "value": 1, "reason": "家中有残疾人"}, low_income]},
        {"item": "disability_care_allowance", "all": [
            {"fact": "severe_disability_count", "op": "ge", "value": 1, "reason": "家中有一、二级重度残疾人"}]},
        {"item": "rural_housing_renovation", "all": [
            {"fact": "housing_difficulty", "op": "eq", "value": 1, "reason": "住房困难"}, low_income]},
        {"item": "price_subsidy", "all": [low_income]}
    ])
}

/// Stores the demo rules for `district` (after the catalog, whose items they name).
pub async fn seed(db: &DatabaseConnection, district: &RegionCode) -> Result<usize, ApiError> {
    let rules = serde_json::from_value(demo_rules()).map_err(ApiError::internal)?;
    let input = RuleSetIn { dibao_standard_fen: DEMO_DIBAO_STANDARD_FEN, rules };
    let (set, _) = service::put(db, None, district, input).await?;
    Ok(set.rules.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::precheck::rules::Rule;

    #[test]
    fn the_demo_rules_are_valid_data() {
        let rules: Vec<Rule> = serde_json::from_value(demo_rules()).unwrap();
        assert_eq!(rules.len(), 13);
    }
}
