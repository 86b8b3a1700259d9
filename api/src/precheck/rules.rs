//! The pre-check as a pure function: household facts in, matched items with their reasons out.
//! Rules are data (stored per region, edited by an admin); this file knows no aid item by name.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A number known about a household. Yes/no facts are 1 or 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    HouseholdSize,
    /// Monthly income per person, in fen.
    IncomePerPersonFen,
    /// Income per person divided by the local 低保 standard (0.8 = 80% of the standard).
    IncomeRatio,
    /// Household assets (savings, securities, vehicles at value) per person, in fen.
    AssetsPerPersonFen,
    /// Out-of-pocket medical costs of the last 12 months, in fen.
    MedicalExpenseFen,
    /// Members aged 60 or more.
    ElderlyCount,
    /// Members under 16.
    MinorCount,
    DisabledCount,
    /// Members with a grade 1 or 2 disability.
    SevereDisabilityCount,
    SevereIllnessCount,
    StudentCount,
    UnemployedCount,
    /// Members aged 16 to 59 who are neither disabled nor severely ill.
    AbleToWorkCount,
    SuddenHardship,
    HousingDifficulty,
    /// Someone outside the household is legally bound and able to support it.
    HasSupporter,
}

const FACTS: usize = 16;

impl Fact {
    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// `fact op value`, with the reason a person reads when it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub fact: Fact,
    pub op: Op,
    pub value: f64,
    /// Shown as a reason when the condition holds, e.g. "家庭人均月收入低于当地低保标准".
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}

impl Condition {
    fn holds(&self, facts: &Facts) -> bool {
        let left = facts.get(self.fact);
        match self.op {
            Op::Lt => left < self.value,
            Op::Le => left <= self.value,
            Op::Gt => left > self.value,
            Op::Ge => left >= self.value,
            Op::Eq => (left - self.value).abs() < 1e-9,
            Op::Ne => (left - self.value).abs() >= 1e-9,
        }
    }
}

/// Suggests `item` when every condition of `all` holds and, if `any` is not empty, one of `any`.
/// Several rules may name the same item: any one of them suggests it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// An item code of the catalog.
    #[schema(min_length = 2, max_length = 32)]
    pub item: String,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub all: Vec<Condition>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub any: Vec<Condition>,
}

/// The facts of one household, computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts([f64; FACTS]);

/// One member as the pre-check sees it: no name, no ID number.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub age: u32,
    pub monthly_income_fen: i64,
    pub disabled: bool,
    pub severe_disability: bool,
    pub severe_illness: bool,
    pub student: bool,
    pub unemployed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct HouseholdFacts {
    pub members: Vec<MemberFacts>,
    pub assets_fen: i64,
    pub medical_expense_fen: i64,
    pub sudden_hardship: bool,
    pub housing_difficulty: bool,
    pub has_supporter: bool,
}

impl Facts {
    pub fn of(household: &HouseholdFacts, dibao_standard_fen: i64) -> Self {
        let members = &household.members;
        let size = members.len().max(1) as f64;
        let count = |f: &dyn Fn(&MemberFacts) -> bool| members.iter().filter(|m| f(m)).count() as f64;
        let income: i64 = members.iter().map(|m| m.monthly_income_fen).sum();
        let per_person = income as f64 / size;
        let mut values = [0.0; FACTS];
        let mut set = |fact: Fact, value: f64| values[fact.index()] = value;
        set(Fact::HouseholdSize, members.len() as f64);
        set(Fact::IncomePerPersonFen, per_person.round());
        set(Fact::IncomeRatio, if dibao_standard_fen > 0 { per_person / dibao_standard_fen as f64 } else { f64::MAX });
        set(Fact::AssetsPerPersonFen, (household.assets_fen as f64 / size).round());
        set(Fact::MedicalExpenseFen, household.medical_expense_fen as f64);
        set(Fact::ElderlyCount, count(&|m| m.age >= 60));
        set(Fact::MinorCount, count(&|m| m.age < 16));
        set(Fact::DisabledCount, count(&|m| m.disabled || m.severe_disability));
        set(Fact::SevereDisabilityCount, count(&|m| m.severe_disability));
        set(Fact::SevereIllnessCount, count(&|m| m.severe_illness));
        set(Fact::StudentCount, count(&|m| m.student));
        set(Fact::UnemployedCount, count(&|m| m.unemployed));
        set(
            Fact::AbleToWorkCount,
            count(&|m| (16..60).contains(&m.age) && !m.disabled && !m.severe_disability && !m.severe_illness),
        );
        set(Fact::SuddenHardship, f64::from(u8::from(household.sudden_hardship)));
        set(Fact::HousingDifficulty, f64::from(u8::from(household.housing_difficulty)));
        set(Fact::HasSupporter, f64::from(u8::from(household.has_supporter)));
        Self(values)
    }

    pub fn get(&self, fact: Fact) -> f64 {
        self.0[fact.index()]
    }
}

/// An item the household likely qualifies for, with the reasons of the rules that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub item: String,
    pub reasons: Vec<String>,
}

/// The suggested items in the order their first rule appears, reasons without repeats.
pub fn evaluate(rules: &[Rule], facts: &Facts) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    for rule in rules {
        let any_holds = rule.any.is_empty() || rule.any.iter().any(|c| c.holds(facts));
        if rule.all.is_empty() && rule.any.is_empty() || !any_holds || !rule.all.iter().all(|c| c.holds(facts)) {
            continue;
        }
        let reasons =
            rule.all.iter().chain(rule.any.iter().filter(|c| c.holds(facts))).filter_map(|c| c.reason.clone());
        let index = match out.iter().position(|s| s.item == rule.item) {
            Some(i) => i,
            None => {
                out.push(Suggestion { item: rule.item.clone(), reasons: Vec::new() });
                out.len() - 1
            }
        };
        for reason in reasons {
            if !out[index].reasons.contains(&reason) {
                out[index].reasons.push(reason);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(fact: Fact, op: Op, value: f64, reason: &str) -> Condition {
        Condition { fact, op, value, reason: Some(reason.to_owned()) }
    }

    fn member(age: u32, income: i64) -> MemberFacts {
        MemberFacts { age, monthly_income_fen: income, ..MemberFacts::default() }
    }

    #[test]
    fn facts_count_members_and_divide_income_by_the_standard() {
        let mut old = member(72, 30_000);
        old.disabled = true;
        let household = HouseholdFacts {
            members: vec![old, member(40, 90_000), member(10, 0)],
            assets_fen: 300_000,
            ..HouseholdFacts::default()
        };
        let facts = Facts::of(&household, 80_000);
        assert_eq!(facts.get(Fact::HouseholdSize), 3.0);
        assert_eq!(facts.get(Fact::IncomePerPersonFen), 40_000.0);
        assert!((facts.get(Fact::IncomeRatio) - 0.5).abs() < 1e-9);
        assert_eq!(facts.get(Fact::AssetsPerPersonFen), 100_000.0);
        assert_eq!(facts.get(Fact::ElderlyCount), 1.0);
        assert_eq!(facts.get(Fact::MinorCount), 1.0);
        assert_eq!(facts.get(Fact::DisabledCount), 1.0);
        assert_eq!(facts.get(Fact::AbleToWorkCount), 1.0);
    }

    #[test]
    fn a_rule_needs_all_and_one_of_any_and_reasons_come_from_what_held() {
        let rules = vec![
            Rule {
                item: "a".into(),
                all: vec![cond(Fact::IncomeRatio, Op::Lt, 1.0, "收入低")],
                any: vec![
                    cond(Fact::ElderlyCount, Op::Ge, 1.0, "有老人"),
                    cond(Fact::MinorCount, Op::Ge, 1.0, "有儿童"),
                ],
            },
            Rule { item: "b".into(), all: vec![cond(Fact::IncomeRatio, Op::Ge, 1.0, "收入高")], any: vec![] },
            Rule { item: "a".into(), all: vec![cond(Fact::HouseholdSize, Op::Eq, 1.0, "独居")], any: vec![] },
            Rule { item: "c".into(), all: vec![], any: vec![] },
        ];
        let facts = Facts::of(&HouseholdFacts { members: vec![member(70, 10_000)], ..Default::default() }, 80_000);
        let out = evaluate(&rules, &facts);
        assert_eq!(
            out,
            vec![Suggestion {
                item: "a".into(), reasons: vec!["收入低".into(), "有老人".into(), "独居".into()]
            }]
        );
        let facts = Facts::of(&HouseholdFacts { members: vec![member(30, 10_000)], ..Default::default() }, 80_000);
        assert_eq!(evaluate(&rules[..2], &facts), vec![]);
    }
}
