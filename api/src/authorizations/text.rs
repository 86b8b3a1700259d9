//! The authorization text (授权书) residents sign, versioned: a signature names the version and the
//! SHA-256 of the exact text it was shown, so what was agreed to can be proven later. A new
//! version is a new constant; old ones stay valid for what was signed under them.

pub const CURRENT_VERSION: &str = "2026-01";

pub const CURRENT_TEXT: &str = "\
社会救助家庭经济状况核对授权书

本人(及本人代为签字的家庭成员)自愿申请社会救助,现授权民政部门及其委托的经办机构,\
依法向银行、不动产登记、车辆管理、社会保险、医疗保障、住房公积金、市场监管、税务等部门和机构,\
查询、核对本人及共同生活家庭成员的收入和财产状况。查询结果仅用于社会救助审核认定及动态管理,\
不得用于其他用途;经办人员对所知悉的个人信息负有保密义务。

本人承诺所填信息和所交材料真实、完整。如有隐瞒、虚报,愿意承担相应法律责任,\
并退回不当获得的救助款物。本授权自签字之日起至救助终止后两年内有效,本人可随时书面撤回授权,\
撤回后将无法继续办理需核对经济状况的救助事项。";

/// The data the check may reach, each a code the authorization's `scope` lists.
pub const SCOPES: [(&str, &str); 8] = [
    ("bank_deposits", "银行存款及理财"),
    ("real_estate", "不动产登记"),
    ("vehicles", "机动车登记"),
    ("social_insurance", "社会保险缴纳及待遇"),
    ("medical_insurance", "医疗保障"),
    ("housing_fund", "住房公积金"),
    ("business_registration", "市场主体登记"),
    ("tax", "个人所得税"),
];

pub fn current_sha256() -> String {
    crate::hex::sha256(CURRENT_TEXT.as_bytes())
}
