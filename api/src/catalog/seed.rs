//! The 13 items of Chongqing's "社会救助一件事" bundle, as the demo catalog: applying for basic
//! living aid can bundle medical aid, public-rental housing qualification and the rest. Real
//! deployments maintain their own through `PUT /api/v1/catalog/items/{code}`.

use sea_orm::DatabaseConnection;

use super::model::{AidGroup, AidItemIn, ApprovalLevel};
use super::service;
use crate::error::ApiError;
use crate::vocab::DocumentType as D;

struct Item {
    code: &'static str,
    name: &'static str,
    department: &'static str,
    group: Option<AidGroup>,
    excludes: &'static [&'static str],
    conditions: &'static str,
    documents: &'static [D],
    days: i32,
    level: ApprovalLevel,
    amount_rule: Option<&'static str>,
}

const ID: [D; 2] = [D::IdCardFront, D::IdCardBack];
const FIVE: Option<AidGroup> = Some(AidGroup::FiveInOne);
const MCA: &str = "民政局";

const ITEMS: [Item; 13] = [
    Item {
        code: "dibao",
        name: "最低生活保障",
        department: MCA,
        group: FIVE,
        excludes: &[],
        conditions: "共同生活的家庭成员人均月收入低于当地城乡低保标准,且家庭财产状况符合当地规定。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HouseholdRegister, D::IncomeProof, D::PropertyStatement],
        days: 15,
        level: ApprovalLevel::Township,
        amount_rule: Some("按家庭人均收入与当地低保标准的差额,按月发放。"),
    },
    Item {
        code: "tekun",
        name: "特困人员救助供养",
        department: MCA,
        group: FIVE,
        excludes: &["dibao"],
        conditions: "老年人、残疾人或未满16周岁的未成年人,无劳动能力、无生活来源,且无法定赡养、抚养、扶养义务人或其义务人无履行能力。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HouseholdRegister, D::PropertyStatement],
        days: 15,
        level: ApprovalLevel::Township,
        amount_rule: Some("基本生活标准不低于当地低保标准的1.3倍,另按失能程度给予照料护理补贴。"),
    },
    Item {
        code: "dibao_edge",
        name: "低保边缘家庭认定",
        department: MCA,
        group: FIVE,
        excludes: &["dibao", "tekun"],
        conditions: "家庭人均月收入高于当地低保标准、但低于低保标准的1.5倍,且家庭财产状况符合当地规定。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HouseholdRegister, D::IncomeProof, D::PropertyStatement],
        days: 15,
        level: ApprovalLevel::Township,
        amount_rule: None,
    },
    Item {
        code: "temporary",
        name: "临时救助",
        department: MCA,
        group: FIVE,
        excludes: &[],
        conditions: "因火灾、交通事故、突发重大疾病等意外事件,或生活必需支出突然增加,导致基本生活暂时出现严重困难。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HardshipProof],
        days: 10,
        level: ApprovalLevel::Township,
        amount_rule: Some("2000元以内由镇街审批,超过2000元报区县民政部门备案。"),
    },
    Item {
        code: "illness_poverty",
        name: "因病致贫重病患者认定",
        department: MCA,
        group: FIVE,
        excludes: &[],
        conditions: "家庭成员患重特大疾病,医疗费用支出较大,且家庭人均月收入低于当地低保标准的2倍。",
        documents: &[
            D::IdCardFront,
            D::IdCardBack,
            D::HouseholdRegister,
            D::MedicalBill,
            D::DiagnosisCertificate,
            D::IncomeProof,
        ],
        days: 15,
        level: ApprovalLevel::Township,
        amount_rule: None,
    },
    Item {
        code: "medical",
        name: "医疗救助",
        department: "医疗保障局",
        group: None,
        excludes: &[],
        conditions: "低保对象、特困人员、低保边缘家庭成员或因病致贫重病患者,个人自付医疗费用超过规定额度。",
        documents: &[D::IdCardFront, D::IdCardBack, D::MedicalBill, D::DiagnosisCertificate],
        days: 20,
        level: ApprovalLevel::District,
        amount_rule: Some("按政策范围内个人自付费用的一定比例救助,年度限额由区县确定。"),
    },
    Item {
        code: "public_rental_housing",
        name: "廉租住房保障资格认定",
        department: "住房和城乡建设委员会",
        group: None,
        excludes: &[],
        conditions: "城镇低保、特困等住房困难家庭,家庭人均住房面积低于当地标准。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HouseholdRegister, D::PropertyStatement, D::HousingPhoto],
        days: 20,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
    Item {
        code: "education",
        name: "教育救助",
        department: "教育委员会",
        group: None,
        excludes: &[],
        conditions: "低保、特困、低保边缘等困难家庭中在校就读的学生,含新考入大学的学生。",
        documents: &[D::IdCardFront, D::IdCardBack, D::StudentStatusProof],
        days: 15,
        level: ApprovalLevel::District,
        amount_rule: Some("按学段发放助学金;新入学大学生一次性资助2000元。"),
    },
    Item {
        code: "employment",
        name: "就业援助",
        department: "人力资源和社会保障局",
        group: None,
        excludes: &[],
        conditions: "困难家庭中有劳动能力、处于失业状态的成员。",
        documents: &[D::IdCardFront, D::IdCardBack, D::EmploymentRegistration],
        days: 10,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
    Item {
        code: "disability_living_allowance",
        name: "困难残疾人生活补贴",
        department: "残疾人联合会",
        group: None,
        excludes: &[],
        conditions: "低保家庭中的残疾人,以及其他符合当地规定的困难残疾人。",
        documents: &[D::IdCardFront, D::IdCardBack, D::DisabilityCertificate],
        days: 20,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
    Item {
        code: "disability_care_allowance",
        name: "重度残疾人护理补贴",
        department: "残疾人联合会",
        group: None,
        excludes: &[],
        conditions: "残疾等级为一级、二级且需要长期照护的重度残疾人。",
        documents: &[D::IdCardFront, D::IdCardBack, D::DisabilityCertificate],
        days: 20,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
    Item {
        code: "rural_housing_renovation",
        name: "农村危房改造",
        department: "农业农村委员会",
        group: None,
        excludes: &[],
        conditions: "居住在危房中的农村低保、特困、低保边缘等困难家庭。",
        documents: &[D::IdCardFront, D::IdCardBack, D::HouseholdRegister, D::HousingPhoto],
        days: 30,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
    Item {
        code: "price_subsidy",
        name: "价格临时补贴",
        department: "发展和改革委员会",
        group: None,
        excludes: &[],
        conditions: "物价上涨触发社会救助和保障标准与物价上涨挂钩联动机制时,低保、特困等困难群众。",
        documents: &ID,
        days: 10,
        level: ApprovalLevel::District,
        amount_rule: None,
    },
];

/// Puts the 13 demo items in the catalog (replacing any with the same codes).
pub async fn seed(db: &DatabaseConnection) -> Result<usize, ApiError> {
    for (i, item) in ITEMS.iter().enumerate() {
        let input = AidItemIn {
            name: item.name.to_owned(),
            department: item.department.to_owned(),
            group: item.group,
            excludes: item.excludes.iter().map(|c| (*c).to_owned()).collect(),
            conditions: item.conditions.to_owned(),
            required_documents: item.documents.to_vec(),
            time_limit_working_days: item.days,
            approval_level: item.level,
            amount_rule: item.amount_rule.map(str::to_owned),
            sort_order: i32::try_from(i).unwrap_or(0) * 10,
            active: true,
        };
        service::put(db, None, item.code, input).await?;
    }
    Ok(ITEMS.len())
}
