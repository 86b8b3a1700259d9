//! Account rules: staff are created and changed by admins (audited), every account reads itself.

use chrono::Utc;
use entity::account::{self, Column};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::model::{PasswordChangeIn, StaffIn, StaffListQuery, StaffPatch};
use super::validate;
use crate::audit::AuditEvent;
use crate::auth::lockout::Lockout;
use crate::auth::model::AccountOut;
use crate::auth::{passwords, refresh};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::http::pagination::{self, Page};
use crate::regions::service as regions;
use crate::uow::UnitOfWork;
use crate::vocab::{HelperKind, Principal, RegionCode, Role};

/// The caller's own account; 403 once it has been switched off.
pub async fn me(db: &DatabaseConnection, principal: &Principal) -> Result<account::Model, ApiError> {
    let row = account::Entity::find_by_id(principal.account_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    if !row.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    Ok(row)
}

/// Creates a member of staff. `actor` is `None` when the command line does it.
pub async fn create_staff(
    db: &DatabaseConnection,
    actor: Option<&Principal>,
    input: StaffIn,
) -> Result<account::Model, ApiError> {
    let mut errors = Vec::new();
    let username = validate::username(&input.username).map_err(|e| errors.push(e)).ok();
    let display_name = validate::display_name(&input.display_name).map_err(|e| errors.push(e)).ok();
    let organisation =
        validate::organisation(input.organisation.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
    let region = match input.region_code.as_deref() {
        Some(raw) => validate::region_code(raw).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    errors.extend(validate::staff_shape(input.role, region.as_ref(), input.helper_kind));
    if let Err(err) = passwords::check_rules("password", &input.password, username.as_deref().unwrap_or_default()) {
        errors.extend(err.errors().iter().cloned());
    }
    let (Some(username), Some(display_name), Some(organisation), true) =
        (username, display_name, organisation, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };
    ensure_region_exists(db, region.as_ref()).await?;
    let password_hash = passwords::hash(input.password).await?;
    let now = Utc::now();
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let row = account::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(input.role.as_str().to_owned()),
        display_name: Set(display_name),
        region_code: Set(region.as_ref().map(|r| r.as_str().to_owned())),
        helper_kind: Set(input.helper_kind.map(|k| k.as_str().to_owned())),
        organisation: Set(organisation),
        username: Set(Some(username)),
        password_hash: Set(Some(password_hash)),
        wechat_openid: Set(None),
        wechat_unionid: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        last_sign_in_at: Set(None),
    }
    .insert(txn)
    .await?;
    AuditEvent::new("account.created")
        .by_opt(actor)
        .on("account", row.id)
        .in_region(row.region_code.as_ref())
        .details(json!({ "role": row.role, "username": row.username }))
        .record(txn)
        .await?;
    uow.commit(&()).await?;
    Ok(row)
}

/// Applies an admin's changes to a member of staff; role, region, status and password changes are
/// audited, and switching an account off or resetting its password ends its sign-ins.
pub async fn update_staff(
    db: &DatabaseConnection,
    by: &Principal,
    id: Uuid,
    patch: StaffPatch,
) -> Result<account::Model, ApiError> {
    let row = account::Entity::find_by_id(id)
        .filter(Column::Role.ne(Role::Resident.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let before = (row.role.clone(), row.region_code.clone(), row.active);
    let mut errors = Vec::new();
    let role = patch.role.unwrap_or_else(|| Role::parse(&row.role).unwrap_or(Role::Resident));
    let region = match (&patch.region_code, role) {
        (_, Role::Admin) => None,
        (Some(raw), _) => validate::region_code(raw).map_err(|e| errors.push(e)).ok(),
        (None, _) => row.region_code.as_deref().and_then(|raw| RegionCode::parse(raw).ok()),
    };
    let kind = match role {
        Role::Helper => patch.helper_kind.or_else(|| row.helper_kind.as_deref().and_then(HelperKind::parse)),
        _ => patch.helper_kind,
    };
    errors.extend(validate::staff_shape(role, region.as_ref(), kind));
    let display_name = match &patch.display_name {
        Some(raw) => validate::display_name(raw).map_err(|e| errors.push(e)).ok(),
        None => Some(row.display_name.clone()),
    };
    let organisation = match &patch.organisation {
        Some(raw) => validate::organisation(raw).map_err(|e| errors.push(e)).ok(),
        None => Some(row.organisation.clone()),
    };
    if let Some(password) = &patch.password
        && let Err(err) = passwords::check_rules("password", password, row.username.as_deref().unwrap_or_default())
    {
        errors.extend(err.errors().iter().cloned());
    }
    let (Some(display_name), Some(organisation), true) = (display_name, organisation, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    if id == by.account_id && (patch.active == Some(false) || role != Role::Admin) {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
            "不能停用自己的账号或取消自己的管理员角色,请由其他管理员操作。",
            "You cannot switch off or demote your own account; ask another admin.",
        )));
    }
    ensure_region_exists(db, region.as_ref()).await?;
    let password_hash = match patch.password {
        Some(password) => Some(passwords::hash(password).await?),
        None => None,
    };
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let mut active = row.into_active_model();
    active.role = Set(role.as_str().to_owned());
    active.region_code = Set(region.as_ref().map(|r| r.as_str().to_owned()));
    active.helper_kind = Set(kind.filter(|_| role == Role::Helper).map(|k| k.as_str().to_owned()));
    active.display_name = Set(display_name);
    active.organisation = Set(organisation);
    if let Some(flag) = patch.active {
        active.active = Set(flag);
    }
    let reset = password_hash.is_some();
    if let Some(hash) = password_hash {
        active.password_hash = Set(Some(hash));
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(txn).await?;
    let event = |action| AuditEvent::new(action).by(by).on("account", id).in_region(row.region_code.as_ref());
    if before.0 != row.role {
        event("account.role_changed").details(json!({ "from": before.0, "to": row.role })).record(txn).await?;
    }
    if before.1 != row.region_code {
        event("account.region_changed").details(json!({ "from": before.1, "to": row.region_code })).record(txn).await?;
    }
    if before.2 != row.active {
        event(if row.active { "account.enabled" } else { "account.disabled" }).record(txn).await?;
    }
    if reset {
        event("account.password_reset").record(txn).await?;
    }
    if reset || !row.active {
        refresh::revoke_account(txn, id).await?;
    }
    uow.commit(&()).await?;
    Ok(row)
}

/// Staff working in `region` or below it, by id.
pub async fn list_staff_in(
    db: &DatabaseConnection,
    region: &RegionCode,
    query: StaffListQuery,
) -> Result<Page<AccountOut>, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let mut select = account::Entity::find()
        .filter(Column::RegionCode.starts_with(region.as_str()))
        .filter(Column::Role.ne(Role::Resident.as_str()))
        .order_by_asc(Column::Id);
    if let Some(role) = query.role {
        select = select.filter(Column::Role.eq(role.as_str()));
    }
    if let Some(cursor) = query.cursor {
        select = select.filter(Column::Id.gt(cursor));
    }
    let rows = select.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |row| row.id.to_string(), AccountOut::from))
}

/// The caller changes their own password: the current one is checked (with the sign-in lockout),
/// the new one must meet the rules; every sign-in of the account ends.
pub async fn change_password(
    db: &DatabaseConnection,
    lockout: &Lockout<'_>,
    principal: &Principal,
    input: PasswordChangeIn,
) -> Result<(), ApiError> {
    let row = me(db, principal).await?;
    let username = row.username.clone().unwrap_or_default();
    lockout.ensure_open(&username, None).await?;
    if !passwords::verify(input.current_password, row.password_hash.clone()).await? {
        lockout.record_failure(&username, None).await;
        return Err(ApiError::validation(vec![FieldError::new(
            "current_password",
            FieldCode::WrongPassword,
            Message::new("当前密码不正确,请重新输入", "The current password is wrong"),
        )]));
    }
    passwords::check_rules("new_password", &input.new_password, &username)?;
    let hash = passwords::hash(input.new_password).await?;
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let mut active = row.into_active_model();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    refresh::revoke_account(txn, principal.account_id).await?;
    AuditEvent::new("account.password_changed").by(principal).on("account", principal.account_id).record(txn).await?;
    uow.commit(&()).await?;
    Ok(())
}

async fn ensure_region_exists(db: &DatabaseConnection, region: Option<&RegionCode>) -> Result<(), ApiError> {
    if let Some(code) = region
        && regions::find(db, code).await?.is_none()
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "region_code",
            FieldCode::RegionNotFound,
            Message::new(
                format!("区划 {code} 不存在,请先创建"),
                format!("Region {code} does not exist; create it first"),
            ),
        )]));
    }
    Ok(())
}
