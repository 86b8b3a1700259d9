//! Household members of a draft: ID numbers checked, encrypted with their blind index, masked;
//! one applicant per household, no person twice. Reviewers may read a full number, audited.

use chrono::Utc;
use entity::{application, authorization, household_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TryInsertResult, TryIntoModel,
};
use serde_json::json;
use uuid::Uuid;

use super::model::{MemberFactsOut, MemberIn, MemberOut, RevealIn, RevealOut};
use super::scoped::ScopedApplication;
use super::service;
use super::view::member_out;
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::pii::cipher::PiiCipher;
use crate::pii::id_number::{ID_PURPOSE, IdNumber, id_number_error};
use crate::vocab::{Relation, Role};

const MAX_MEMBERS: u64 = 20;

/// What putting a member did.
pub struct Put {
    pub member: MemberOut,
    /// Not there before.
    pub created: bool,
    /// The application as it is now (its version moved on).
    pub application: application::Model,
}

/// Adds or replaces member `member_id`, in the caller's transaction. Everything is checked
/// before the first write, so a refused request wrote nothing.
pub async fn put(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    scope: &ScopedApplication,
    member_id: Uuid,
    input: MemberIn,
) -> Result<Put, ApiError> {
    scope.ensure_editable()?;
    let app = scope.application();
    let today = Utc::now().date_naive();
    let mut errors = Vec::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 32 || name.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        errors.push(FieldError::new(
            "name",
            FieldCode::InvalidName,
            Message::new(
                "请填写与身份证一致的姓名(最多 32 个字)",
                "Enter the name as on the ID card (up to 32 characters)",
            ),
        ));
    }
    if !(0..=10_000_000_000).contains(&input.monthly_income_fen) {
        errors.push(FieldError::new(
            "monthly_income_fen",
            FieldCode::OutOfRange,
            Message::new("月收入应为 0 到 1 亿元(以分计)", "Use 0 to 100 million yuan, in fen"),
        ));
    }
    let number = match IdNumber::parse(&input.id_number, today) {
        Ok(number) => Some(number),
        Err(err) => {
            errors.push(id_number_error(err));
            None
        }
    };
    let (Some(number), true) = (number, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let index = cipher.blind_index(ID_PURPOSE, number.expose());
    let (existing, others): (Vec<household_member::Model>, Vec<household_member::Model>) =
        household_member::Entity::find()
            .filter(household_member::Column::ApplicationId.eq(app.id))
            .all(db)
            .await?
            .into_iter()
            .partition(|m| m.id == member_id);
    let existing = existing.into_iter().next();
    if others.iter().any(|m| m.id_number_index == index) {
        errors.push(FieldError::new(
            "id_number",
            FieldCode::DuplicateMember,
            Message::new("该身份证号码已在家庭成员中,请勿重复添加", "This person is already a member of the household"),
        ));
    }
    if input.relation == Relation::Applicant && others.iter().any(|m| m.relation == Relation::Applicant.as_str()) {
        errors.push(FieldError::new(
            "relation",
            FieldCode::DuplicateApplicant,
            Message::new(
                "每份申请只有一位申请人本人,请为其他成员选择与申请人的关系",
                "Only one member can be the applicant",
            ),
        ));
    }
    if others.len() as u64 >= MAX_MEMBERS {
        errors.push(FieldError::new(
            "members",
            FieldCode::TooMany,
            Message::new("家庭成员最多 20 人", "At most 20 household members"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let sealed = cipher.seal(ID_PURPOSE, number.expose()).map_err(ApiError::internal)?;
    let facts = MemberFactsOut {
        monthly_income_fen: input.monthly_income_fen,
        disabled: input.disabled,
        severe_disability: input.severe_disability,
        severe_illness: input.severe_illness,
        student: input.student,
        unemployed: input.unemployed,
    };
    let now = Utc::now();
    let row = household_member::ActiveModel {
        id: Set(member_id),
        application_id: Set(app.id),
        name: Set(name),
        relation: Set(input.relation.as_str().to_owned()),
        id_number_cipher: Set(sealed.blob),
        id_number_key_id: Set(sealed.key_id),
        id_number_index: Set(index),
        id_number_masked: Set(number.masked()),
        birth_date: Set(number.birth_date()),
        facts: Set(json!(facts)),
        created_at: Set(existing.as_ref().map_or(now, |m| m.created_at)),
        updated_at: Set(now),
    };
    let row = if existing.is_some() {
        row.update(db).await?
    } else {
        // The id taken by a member of another application inserts nothing.
        let inserted = household_member::Entity::insert(row.clone())
            .on_conflict_do_nothing_on([household_member::Column::Id])
            .exec_without_returning(db)
            .await?;
        if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            return Err(ApiError::new(ErrorCode::Conflict));
        }
        row.try_into_model()?
    };
    let application = service::touch(db, app).await?;
    Ok(Put { member: member_out(row, today), created: existing.is_none(), application })
}

/// Removes a member of a draft, in the caller's transaction; one who signed an authorization
/// stays until it is revoked. The application as it is now.
pub async fn delete(
    db: &impl ConnectionTrait,
    scope: &ScopedApplication,
    member_id: Uuid,
) -> Result<application::Model, ApiError> {
    scope.ensure_editable()?;
    let member = find(db, scope, member_id).await?;
    let signed =
        authorization::Entity::find().filter(authorization::Column::SignerMemberId.eq(member.id)).count(db).await?;
    if signed > 0 {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
            "该成员签署过授权书,不能删除;如信息有误,请撤销授权后重新填写。",
            "This member signed an authorization; revoke it before removing them.",
        )));
    }
    household_member::Entity::delete_by_id(member.id).exec(db).await?;
    service::touch(db, scope.application()).await
}

/// The full ID number, for a reviewer or supervisor of the region, with the reason audited.
pub async fn reveal(
    db: &DatabaseConnection,
    cipher: &PiiCipher,
    scope: &ScopedApplication,
    member_id: Uuid,
    input: RevealIn,
) -> Result<RevealOut, ApiError> {
    if !matches!(scope.principal().role, Role::TownshipReviewer | Role::DistrictSupervisor) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let reason = input.reason.trim().to_owned();
    if !(2..=200).contains(&reason.chars().count()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            FieldCode::ReasonRequired,
            Message::new(
                "请说明查看完整身份证号码的原因(2 到 200 个字)",
                "Say why you need the full number (2 to 200 characters)",
            ),
        )]));
    }
    let member = find(db, scope, member_id).await?;
    let sealed = crate::pii::cipher::Sealed { key_id: member.id_number_key_id, blob: member.id_number_cipher };
    let id_number = cipher.open(ID_PURPOSE, &sealed).map_err(ApiError::internal)?;
    AuditEvent::new("member.id_number_revealed")
        .by(scope.principal())
        .on("household_member", member.id)
        .in_region(Some(&scope.application().community_code))
        .details(json!({ "application_id": scope.application().id, "reason": reason }))
        .record(db)
        .await?;
    Ok(RevealOut { member_id: member.id, id_number })
}

async fn find(
    db: &impl ConnectionTrait,
    scope: &ScopedApplication,
    member_id: Uuid,
) -> Result<household_member::Model, ApiError> {
    household_member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .filter(|m| m.application_id == scope.application().id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}
