//! Sign-in, refresh and logout. Each successful sign-in starts a refresh-token family and writes an
//! audit row in the same transaction; failed sign-ins are audited too.

use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use entity::account::{self, Column};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::lockout::Lockout;
use super::login::ResidentLogin;
use super::model::TokenOut;
use super::refresh::Exchange;
use super::replay::Pair;
use super::tokens::TokenService;
use super::{passwords, refresh};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Role;

/// A resident signs in with a `wx.login` code; the first sign-in creates the account.
pub async fn sign_in_resident(state: &AppState, code: &str) -> Result<TokenOut, ApiError> {
    let identity = ResidentLogin::of(state).identify(code).await?;
    let row = resident_account(&state.db, &identity.openid, identity.unionid.clone()).await?;
    if row.role != Role::Resident.as_str() {
        return Err(ApiError::internal("a WeChat openid belongs to a staff account"));
    }
    if !row.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    let unionid = identity.unionid.or_else(|| row.wechat_unionid.clone());
    start_session(state, row, "wechat", unionid).await
}

/// The resident account of a WeChat openid, made on first sight. Insert-or-nothing, then read:
/// two first sign-ins at once still make one account.
pub async fn resident_account(
    db: &impl ConnectionTrait,
    openid: &str,
    unionid: Option<String>,
) -> Result<account::Model, ApiError> {
    let now = Utc::now();
    account::Entity::insert(account::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(Role::Resident.as_str().to_owned()),
        display_name: Set("微信用户".to_owned()),
        region_code: Set(None),
        helper_kind: Set(None),
        organisation: Set(None),
        username: Set(None),
        password_hash: Set(None),
        wechat_openid: Set(Some(openid.to_owned())),
        wechat_unionid: Set(unionid),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        last_sign_in_at: Set(None),
    })
    .on_conflict(OnConflict::column(Column::WechatOpenid).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    account::Entity::find()
        .filter(Column::WechatOpenid.eq(openid))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("resident account vanished after insert"))
}

/// A member of staff signs in with username and password. Wrong username and wrong password get
/// the same answer in the same time; repeated failures lock the username and the address.
pub async fn sign_in_staff(
    state: &AppState,
    username: &str,
    password: String,
    address: Option<IpAddr>,
) -> Result<TokenOut, ApiError> {
    let username = username.trim().to_lowercase();
    let lockout = Lockout::of(state);
    lockout.ensure_open(&username, address).await?;
    let row = account::Entity::find()
        .filter(Column::Username.eq(username.as_str()))
        .filter(Column::Role.ne(Role::Resident.as_str()))
        .one(&state.db)
        .await?;
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    if !passwords::verify(password, stored).await? {
        lockout.record_failure(&username, address).await;
        let mut event = AuditEvent::new("auth.sign_in_failed").details(json!({
            "method": "password",
            "username": username.chars().take(64).collect::<String>(),
            "address": address.map(|a| a.to_string()),
        }));
        if let Some(row) = &row {
            event = event.on("account", row.id).in_region(row.region_code.as_ref());
        }
        event.record(&state.db).await?;
        return Err(ApiError::new(ErrorCode::InvalidCredentials));
    }
    lockout.record_success(&username).await;
    let row = row.ok_or_else(|| ApiError::internal("password verified without an account"))?;
    if !row.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    start_session(state, row, "password", None).await
}

/// Exchanges a refresh token for new tokens; the account's current role and region go into the
/// new access token. The same token again within the replay window answers the same tokens.
pub async fn refresh(state: &AppState, token: &str) -> Result<TokenOut, ApiError> {
    let ttl = Duration::from_secs(state.settings.auth.refresh_ttl_secs);
    let window = Duration::from_secs(state.settings.auth.refresh_replay_secs);
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    // Refusals decided here (a reuse, a switched-off account) revoke, and are committed.
    let answer = match refresh::exchange(txn, token, ttl, window).await? {
        Exchange::Reused(row) => {
            refresh::revoke_reused(txn, &row).await?;
            Err(ApiError::new(ErrorCode::InvalidRefreshToken))
        }
        Exchange::Replayed { account_id, pair } => active_account(txn, account_id).await.map(|a| (a, pair)),
        Exchange::Spent { row, next, next_id } => match active_account(txn, row.account_id).await {
            Ok(account) => {
                let pair = new_pair(state, &account, next)?;
                refresh::keep_answer(txn, &row, token, next_id, &pair).await?;
                Ok((account, pair))
            }
            Err(refused) => Err(refused),
        },
    };
    uow.commit(state).await?;
    let (account, pair) = answer?;
    Ok(TokenOut {
        token_type: "Bearer",
        access_token: pair.access_token,
        expires_in: u64::try_from((pair.access_expires_at - Utc::now()).num_seconds()).unwrap_or(0),
        refresh_token: pair.refresh_token,
        refresh_expires_at: pair.refresh_expires_at,
        account: account.into(),
    })
}

/// The account, if it is still switched on; a switched-off one loses every sign-in (kept by the
/// caller's commit).
async fn active_account(txn: &DatabaseTransaction, id: Uuid) -> Result<account::Model, ApiError> {
    let row =
        account::Entity::find_by_id(id).one(txn).await?.ok_or_else(|| ApiError::new(ErrorCode::InvalidRefreshToken))?;
    if !row.active {
        refresh::revoke_account(txn, row.id).await?;
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    Ok(row)
}

/// A new access token for `account` beside the refresh token `next`.
fn new_pair(state: &AppState, account: &account::Model, next: refresh::IssuedRefresh) -> Result<Pair, ApiError> {
    let tokens = TokenService::of(state);
    let access_token =
        tokens.issue_access(account.id, &account.role, account.region_code.as_deref()).map_err(ApiError::internal)?;
    let ttl = chrono::Duration::from_std(tokens.access_ttl()).map_err(ApiError::internal)?;
    Ok(Pair {
        access_token,
        access_expires_at: Utc::now() + ttl,
        refresh_token: next.token,
        refresh_expires_at: next.expires_at,
    })
}

/// Ends the sign-in the refresh token belongs to. Unknown tokens are accepted silently.
pub async fn logout(state: &AppState, token: &str) -> Result<(), ApiError> {
    if let Some(account_id) = refresh::revoke(&state.db, token).await? {
        AuditEvent::new("auth.sign_out").on("account", account_id).record(&state.db).await?;
    }
    Ok(())
}

async fn start_session(
    state: &AppState,
    row: account::Model,
    method: &'static str,
    unionid: Option<String>,
) -> Result<TokenOut, ApiError> {
    let ttl = Duration::from_secs(state.settings.auth.refresh_ttl_secs);
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let issued = refresh::start_family(txn, row.id, ttl).await?;
    let mut active = row.into_active_model();
    active.last_sign_in_at = Set(Some(Utc::now()));
    active.wechat_unionid = Set(unionid);
    let row = active.update(txn).await?;
    AuditEvent::new("auth.sign_in")
        .on("account", row.id)
        .in_region(row.region_code.as_ref())
        .details(json!({ "method": method, "role": row.role }))
        .record(txn)
        .await?;
    uow.commit(state).await?;
    token_out(state, row, issued)
}

fn token_out(state: &AppState, row: account::Model, refresh: refresh::IssuedRefresh) -> Result<TokenOut, ApiError> {
    let tokens = TokenService::of(state);
    let access_token =
        tokens.issue_access(row.id, &row.role, row.region_code.as_deref()).map_err(ApiError::internal)?;
    Ok(TokenOut {
        token_type: "Bearer",
        access_token,
        expires_in: tokens.access_ttl().as_secs(),
        refresh_token: refresh.token,
        refresh_expires_at: refresh.expires_at,
        account: row.into(),
    })
}
