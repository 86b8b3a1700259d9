//! The kinds of document photo an application item, a check-in or a signature can carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kinds of document photo an item can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// 身份证人像面
    IdCardFront,
    /// 身份证国徽面
    IdCardBack,
    /// 户口簿
    HouseholdRegister,
    /// 收入证明
    IncomeProof,
    /// 家庭财产状况说明
    PropertyStatement,
    /// 医疗费用票据
    MedicalBill,
    /// 疾病诊断证明
    DiagnosisCertificate,
    /// 残疾人证
    DisabilityCertificate,
    /// 学籍证明或录取通知书
    StudentStatusProof,
    /// 就业失业登记证
    EmploymentRegistration,
    /// 住房现状照片
    HousingPhoto,
    /// 困难情况证明(如事故、火灾证明)
    HardshipProof,
    /// 授权书手写签名 (the canvas PNG; referenced by an authorization, not listed as required)
    Signature,
    /// 本人照片 (a selfie: check-ins, or where an item asks for one)
    Selfie,
    /// 其他材料
    Other,
}

impl DocumentType {
    /// The name a person sees, e.g. in "缺少身份证国徽面照片".
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::IdCardFront => "身份证人像面",
            Self::IdCardBack => "身份证国徽面",
            Self::HouseholdRegister => "户口簿",
            Self::IncomeProof => "收入证明",
            Self::PropertyStatement => "家庭财产状况说明",
            Self::MedicalBill => "医疗费用票据",
            Self::DiagnosisCertificate => "疾病诊断证明",
            Self::DisabilityCertificate => "残疾人证",
            Self::StudentStatusProof => "学籍证明或录取通知书",
            Self::EmploymentRegistration => "就业失业登记证",
            Self::HousingPhoto => "住房现状照片",
            Self::HardshipProof => "困难情况证明",
            Self::Signature => "手写签名",
            Self::Selfie => "本人照片",
            Self::Other => "其他材料",
        }
    }
}
