//! Signing and revoking authorizations. A signature is immutable once stored: revocation records
//! when and why, nothing is deleted. Every adult member must be covered before submit.

use chrono::Utc;
use entity::{application_document, authorization, household_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionSession,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::model::{AuthorizationIn, AuthorizationTextOut, Capacity, RevokeIn, ScopeOut};
use super::text::{self, CURRENT_TEXT, CURRENT_VERSION, SCOPES};
use crate::applications::ScopedApplication;
use crate::applications::model::{AuthorizationOut, Changed};
use crate::applications::view::authorization_out;
use crate::documents::service as documents;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::{DocumentType, Role};

pub fn current_text() -> AuthorizationTextOut {
    AuthorizationTextOut {
        version: CURRENT_VERSION.to_owned(),
        text: CURRENT_TEXT.to_owned(),
        sha256: text::current_sha256(),
        scopes: SCOPES
            .iter()
            .map(|(code, name)| ScopeOut { code: (*code).to_owned(), name: (*name).to_owned() })
            .collect(),
    }
}

/// The online command: signs in a unit of work of its own.
pub async fn sign_command(
    state: &AppState,
    scope: &ScopedApplication,
    input: AuthorizationIn,
) -> Result<(Changed<AuthorizationOut>, bool), ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let signed = sign(uow.txn(), scope, input).await?;
    uow.commit(state).await?;
    Ok(signed)
}

/// Stores a signature; `Ok((out, true))` when new. `out` carries the application's version.
/// Its writes are a savepoint in the caller's transaction: the offline sync applies a signature
/// without a savepoint of its own (`sync::apply::atomic`), and a refused insert must not undo the
/// batch.
pub async fn sign(
    db: &(impl ConnectionTrait + TransactionTrait),
    scope: &ScopedApplication,
    input: AuthorizationIn,
) -> Result<(Changed<AuthorizationOut>, bool), ApiError> {
    scope.ensure_editable()?;
    let app = scope.application();
    if let Some(existing) = authorization::Entity::find_by_id(input.id).one(db).await? {
        let same = existing.application_id == app.id
            && existing.signature_document_id == input.signature_document_id
            && existing.signer_member_id == input.signer_member_id
            && existing.signer_capacity == input.capacity.as_str()
            && existing.covers == json!(input.covers)
            && existing.scope == json!(input.scope)
            && existing.text_hash == input.text_sha256;
        if !same {
            return Err(ApiError::new(ErrorCode::Conflict));
        }
        return Ok((Changed { record: authorization_out(existing), application_version: app.version }, false));
    }
    let members =
        household_member::Entity::find().filter(household_member::Column::ApplicationId.eq(app.id)).all(db).await?;
    let mut errors = check(&input, &members);
    let signature = application_document::Entity::find_by_id((app.id, input.signature_document_id)).one(db).await?;
    if signature.is_none_or(|d| d.doc_type != documents::type_name(DocumentType::Signature)) {
        errors.push(FieldError::new(
            "signature_document_id",
            FieldCode::SignatureNotFound,
            Message::new(
                "请先上传手写签名图片(材料类型选择签名)",
                "Upload the signature first, as a document of type `signature`",
            ),
        ));
    } else if authorization::Entity::find()
        .filter(authorization::Column::SignatureDocumentId.eq(input.signature_document_id))
        .one(db)
        .await?
        .is_some()
    {
        errors.push(FieldError::new(
            "signature_document_id",
            FieldCode::SignatureAlreadyUsed,
            Message::new(
                "这张签名已用于另一份授权,请重新签名",
                "This signature belongs to another authorization; sign again",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let txn = db.begin().await?;
    let row = authorization::ActiveModel {
        id: Set(input.id),
        application_id: Set(app.id),
        text_version: Set(input.text_version.clone()),
        text_hash: Set(input.text_sha256.clone()),
        scope: Set(json!(input.scope)),
        signer_member_id: Set(input.signer_member_id),
        signer_capacity: Set(input.capacity.as_str().to_owned()),
        signer_relation: Set(input.relation.as_ref().map(|r| r.trim().to_owned())),
        covers: Set(json!(input.covers)),
        signature_document_id: Set(input.signature_document_id),
        device: Set(input.device.clone()),
        recorded_by: Set(scope.principal().account_id),
        signed_at: Set(Utc::now()),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    let touched = crate::applications::service::touch(&txn, app).await?;
    crate::applications::record_event(&txn, scope, "authorization_signed", json!({"authorization_id": row.id})).await?;
    txn.commit().await?;
    Ok((Changed { record: authorization_out(row), application_version: touched.version }, true))
}

/// Everything wrong with the request except the image.
fn check(input: &AuthorizationIn, members: &[household_member::Model]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if input.text_version != CURRENT_VERSION || input.text_sha256 != text::current_sha256() {
        errors.push(FieldError::new(
            "text_sha256",
            FieldCode::StaleAuthorizationText,
            Message::new(
                "授权书内容已更新,请重新阅读后再签字",
                "The authorization text changed; show the current one and sign again",
            ),
        ));
    }
    let known = |code: &String| SCOPES.iter().any(|(c, _)| c == code);
    let mut seen = std::collections::HashSet::new();
    if input.scope.is_empty() || !input.scope.iter().all(|s| known(s) && seen.insert(s)) {
        errors.push(FieldError::new(
            "scope",
            FieldCode::InvalidScope,
            Message::new("请勾选授权核对的事项(不可重复)", "List the scopes to authorize, each once"),
        ));
    }
    let today = Utc::now().date_naive();
    match members.iter().find(|m| m.id == input.signer_member_id) {
        None => errors.push(FieldError::new(
            "signer_member_id",
            FieldCode::SignerNotMember,
            Message::new("签字人须是已填写的家庭成员,请先添加其信息", "The signer must be a member of the household"),
        )),
        Some(signer) if today.years_since(signer.birth_date).unwrap_or(0) < 18 => errors.push(FieldError::new(
            "signer_member_id",
            FieldCode::SignerNotAdult,
            Message::new(
                "未成年人不能签署授权书,请由其监护人签字",
                "A minor cannot sign; their guardian signs for them",
            ),
        )),
        Some(_) => {}
    }
    for (i, covered) in input.covers.iter().enumerate() {
        if !members.iter().any(|m| &m.id == covered) {
            errors.push(FieldError::new(
                format!("covers[{i}]"),
                FieldCode::UnknownMember,
                Message::new("授权范围中有不属于本家庭的成员", "This is not a member of the household"),
            ));
        }
    }
    match input.capacity {
        Capacity::Own if input.covers != [input.signer_member_id] => errors.push(FieldError::new(
            "covers",
            FieldCode::SignatureWrongPerson,
            Message::new(
                "本人签字只能为本人授权;为其他成员签字,请选择\u{201c}监护人\u{201d}或\u{201c}受委托人\u{201d}并填写关系",
                "A signature for oneself covers only the signer; sign as guardian or delegate for others",
            ),
        )),
        Capacity::Guardian | Capacity::Delegate
            if input.relation.as_deref().is_none_or(|r| r.trim().is_empty() || r.chars().count() > 32) =>
        {
            errors.push(FieldError::new(
                "relation",
                FieldCode::RelationRequired,
                Message::new("代为签字时,请填写与被授权成员的关系(如\u{201c}女儿\u{201d})", "Say how the signer is related to those covered"),
            ))
        }
        _ => {}
    }
    if input.device.as_ref().is_some_and(|d| d.chars().count() > 128) {
        errors.push(FieldError::new(
            "device",
            FieldCode::InvalidText,
            Message::new("设备信息过长", "Use at most 128 characters"),
        ));
    }
    errors
}

/// Withdraws a signature (the applicant's side, at any time); revoking twice keeps the first.
pub async fn revoke(
    state: &AppState,
    scope: &ScopedApplication,
    authorization_id: Uuid,
    input: RevokeIn,
) -> Result<AuthorizationOut, ApiError> {
    if !matches!(scope.principal().role, Role::Resident | Role::Helper) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let row = authorization::Entity::find_by_id(authorization_id)
        .one(&state.db)
        .await?
        .filter(|a| a.application_id == scope.application().id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if row.revoked_at.is_some() {
        return Ok(authorization_out(row));
    }
    let reason = input.reason.trim().to_owned();
    if !(2..=200).contains(&reason.chars().count()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            FieldCode::ReasonRequired,
            Message::new("请填写撤回授权的原因(2 到 200 个字)", "Give a reason of 2 to 200 characters"),
        )]));
    }
    let mut uow = UnitOfWork::begin(&state.db).await?;
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.revoked_reason = Set(Some(reason.clone()));
    let row = active.update(uow.txn()).await?;
    crate::applications::record_event(
        uow.txn(),
        scope,
        "authorization_revoked",
        json!({"authorization_id": row.id, "reason": reason}),
    )
    .await?;
    // After submit the revocation is part of the applicant's timeline.
    crate::progress::changed(&mut uow, scope.application().id);
    uow.commit(state).await?;
    Ok(authorization_out(row))
}
