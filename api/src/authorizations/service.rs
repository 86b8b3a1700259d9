//! Signing and revoking authorizations. A signature is immutable once stored: revocation records
//! when and why, nothing is deleted. Every adult member must be covered before submit.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use entity::{authorization, document, household_member};
use image::ImageFormat;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::model::{AuthorizationIn, AuthorizationTextOut, Capacity, RevokeIn, ScopeOut};
use super::text::{self, CURRENT_TEXT, CURRENT_VERSION, SCOPES};
use crate::applications::ScopedApplication;
use crate::applications::model::AuthorizationOut;
use crate::applications::view::authorization_out;
use crate::auth::role::Role;
use crate::blocking;
use crate::documents::service::{self as documents, NewDocument};
use crate::documents::sniff::{FileKind, sniff};
use crate::error::{ApiError, ErrorCode, FieldError, Message};
use crate::infra::storage::Storage;

const MAX_SIGNATURE_BYTES: usize = 180 * 1024;

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

/// Stores a signature; `Ok((out, true))` when new.
pub async fn sign(
    db: &DatabaseConnection,
    storage: &Storage,
    scope: &ScopedApplication,
    input: AuthorizationIn,
) -> Result<(AuthorizationOut, bool), ApiError> {
    scope.ensure_editable()?;
    let app = &scope.application;
    let png = STANDARD.decode(input.signature_png_base64.trim()).ok();
    if let Some(existing) = authorization::Entity::find_by_id(input.id).one(db).await? {
        return same_or_conflict(db, app.id, existing, &input, png.as_deref()).await;
    }
    let members =
        household_member::Entity::find().filter(household_member::Column::ApplicationId.eq(app.id)).all(db).await?;
    let mut errors = check(&input, &members);
    let png = match png {
        Some(png) if png.len() <= MAX_SIGNATURE_BYTES && sniff(&png) == Some(FileKind::Png) => Some(png),
        _ => {
            errors.push(signature_error(
                "INVALID_SIGNATURE",
                "签名图片无效,请重新手写签名",
                "Send the canvas as a PNG, base64, up to 180 KB",
            ));
            None
        }
    };
    let (Some(png), true) = (png, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let probe = png.clone();
    if !blocking::run(move || has_ink(&probe)).await? {
        return Err(ApiError::validation(vec![signature_error(
            "SIGNATURE_EMPTY",
            "没有识别到签名笔迹,请在签名框内用手指写下姓名",
            "The signature is empty; sign with a finger inside the box",
        )]));
    }
    let new =
        NewDocument { id: Uuid::now_v7(), owner: None, doc_type: "signature", bytes: png, accept: &[FileKind::Png] };
    let doc = documents::store(db, storage, &scope.principal, new).await?;
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
        signature_document_id: Set(doc.id),
        device: Set(input.device.clone()),
        recorded_by: Set(scope.principal.account_id),
        signed_at: Set(Utc::now()),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::applications::members::touch(&txn, app).await?;
    crate::applications::record_event(&txn, scope, "authorization_signed", json!({"authorization_id": row.id})).await?;
    txn.commit().await?;
    Ok((authorization_out(row), true))
}

async fn same_or_conflict(
    db: &DatabaseConnection,
    application_id: Uuid,
    existing: authorization::Model,
    input: &AuthorizationIn,
    png: Option<&[u8]>,
) -> Result<(AuthorizationOut, bool), ApiError> {
    let doc = document::Entity::find_by_id(existing.signature_document_id).one(db).await?;
    let same_png = match (doc, png) {
        (Some(doc), Some(png)) => doc.sha256 == crate::hex::sha256(png),
        _ => false,
    };
    let same = existing.application_id == application_id
        && same_png
        && existing.signer_member_id == input.signer_member_id
        && existing.signer_capacity == input.capacity.as_str()
        && existing.covers == json!(input.covers)
        && existing.scope == json!(input.scope)
        && existing.text_hash == input.text_sha256;
    if same { Ok((authorization_out(existing), false)) } else { Err(ApiError::new(ErrorCode::Conflict)) }
}

/// Everything wrong with the request except the image.
fn check(input: &AuthorizationIn, members: &[household_member::Model]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if input.text_version != CURRENT_VERSION || input.text_sha256 != text::current_sha256() {
        errors.push(FieldError::new(
            "text_sha256",
            "STALE_AUTHORIZATION_TEXT",
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
            "INVALID_SCOPE",
            Message::new("请勾选授权核对的事项(不可重复)", "List the scopes to authorize, each once"),
        ));
    }
    let today = Utc::now().date_naive();
    match members.iter().find(|m| m.id == input.signer_member_id) {
        None => errors.push(FieldError::new(
            "signer_member_id",
            "SIGNER_NOT_MEMBER",
            Message::new("签字人须是已填写的家庭成员,请先添加其信息", "The signer must be a member of the household"),
        )),
        Some(signer) if today.years_since(signer.birth_date).unwrap_or(0) < 18 => errors.push(FieldError::new(
            "signer_member_id",
            "SIGNER_NOT_ADULT",
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
                "UNKNOWN_MEMBER",
                Message::new("授权范围中有不属于本家庭的成员", "This is not a member of the household"),
            ));
        }
    }
    match input.capacity {
        Capacity::Own if input.covers != [input.signer_member_id] => errors.push(FieldError::new(
            "covers",
            "SIGNATURE_WRONG_PERSON",
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
                "RELATION_REQUIRED",
                Message::new("代为签字时,请填写与被授权成员的关系(如\u{201c}女儿\u{201d})", "Say how the signer is related to those covered"),
            ))
        }
        _ => {}
    }
    if input.device.as_ref().is_some_and(|d| d.chars().count() > 128) {
        errors.push(FieldError::new(
            "device",
            "INVALID_TEXT",
            Message::new("设备信息过长", "Use at most 128 characters"),
        ));
    }
    errors
}

/// Whether the canvas holds strokes: at least 0.1% of pixels drawn (dark and not transparent).
fn has_ink(png: &[u8]) -> bool {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(png), ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4000);
    limits.max_image_height = Some(4000);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let Ok(image) = reader.decode() else { return false };
    let rgba = image.to_rgba8();
    let total = u64::from(rgba.width()) * u64::from(rgba.height());
    let inked =
        rgba.pixels().filter(|p| p[3] > 128 && (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) < 3 * 128).count()
            as u64;
    total > 0 && inked * 1000 >= total
}

fn signature_error(code: &'static str, zh: &'static str, en: &'static str) -> FieldError {
    FieldError::new("signature_png_base64", code, Message::new(zh, en))
}

/// Withdraws a signature (the applicant's side, at any time); revoking twice keeps the first.
pub async fn revoke(
    db: &DatabaseConnection,
    scope: &ScopedApplication,
    authorization_id: Uuid,
    input: RevokeIn,
) -> Result<AuthorizationOut, ApiError> {
    if !matches!(scope.principal.role, Role::Resident | Role::Helper) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let row = authorization::Entity::find_by_id(authorization_id)
        .one(db)
        .await?
        .filter(|a| a.application_id == scope.application.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if row.revoked_at.is_some() {
        return Ok(authorization_out(row));
    }
    let reason = input.reason.trim().to_owned();
    if !(2..=200).contains(&reason.chars().count()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "REASON_REQUIRED",
            Message::new("请填写撤回授权的原因(2 到 200 个字)", "Give a reason of 2 to 200 characters"),
        )]));
    }
    let txn = db.begin().await?;
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.revoked_reason = Set(Some(reason.clone()));
    let row = active.update(&txn).await?;
    crate::applications::record_event(
        &txn,
        scope,
        "authorization_revoked",
        json!({"authorization_id": row.id, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(authorization_out(row))
}
