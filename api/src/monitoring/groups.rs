//! The eight watched groups of the monitoring pool (动态监测), as data. Rejected applicants enter
//! by themselves (a rejection in the review); the others arrive by import (`monitoring_subject`).

/// Code and Chinese name of each group.
pub const GROUPS: [(&str, &str); 8] = [
    (REJECTED_APPLICANT, "申请救助未通过人员"),
    ("left_aid", "近两年退出低保、特困人员"),
    ("dibao_edge", "低保边缘家庭成员"),
    ("disability_allowance", "残疾人两项补贴对象"),
    ("severe_illness", "刚性支出较大(大病)家庭成员"),
    ("unemployed", "失业未就业人员"),
    ("elderly_alone", "独居、空巢老人"),
    ("children_at_risk", "困境儿童"),
];

/// The group rejected applicants enter automatically.
pub const REJECTED_APPLICANT: &str = "rejected_applicant";

pub fn name_zh(code: &str) -> Option<&'static str> {
    GROUPS.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// Whether `code` is a group a file may bring people into (all but rejected applicants).
pub fn is_imported(code: &str) -> bool {
    code != REJECTED_APPLICANT && name_zh(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_applicants_are_not_imported_but_the_seven_others_are() {
        assert_eq!(GROUPS.iter().filter(|(c, _)| is_imported(c)).count(), 7);
        assert!(!is_imported(REJECTED_APPLICANT));
        assert!(!is_imported("nobody"));
        assert_eq!(name_zh("dibao_edge"), Some("低保边缘家庭成员"));
    }
}
