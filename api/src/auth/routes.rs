use actix_web::{HttpRequest, HttpResponse, post, web};

use super::model::{PasswordSignInIn, RefreshIn, TokenOut, WechatSignInIn};
use super::service;
use crate::error::{ApiError, FieldCode, FieldError, Message, Problem};
use crate::http::{JsonBody, client_address};
use crate::state::SharedState;

/// Sign in a resident with the code from `wx.login`. The first sign-in creates the account.
#[utoipa::path(
    tag = "auth",
    request_body = WechatSignInIn,
    responses(
        (status = 200, description = "Signed in", body = TokenOut),
        (status = 401, description = "WeChat refused the code (`WECHAT_CODE_INVALID`): call `wx.login` again", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "WeChat blocks this user (`WECHAT_USER_BLOCKED`) or the account is switched off (`ACCOUNT_DISABLED`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No code, or not a code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "WeChat's rate limit (`RATE_LIMITED`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "WeChat answered something unusable (`WECHAT_ERROR`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "WeChat is busy or unreachable (`WECHAT_UNAVAILABLE`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/auth/wechat")]
pub async fn sign_in_wechat(
    state: SharedState,
    body: JsonBody<WechatSignInIn>,
) -> Result<web::Json<TokenOut>, ApiError> {
    let code = body.0.code;
    if code.is_empty() || code.len() > 128 || !code.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            FieldCode::InvalidValue,
            Message::new("登录凭证格式不对,请重新打开小程序", "Not a wx.login code; reopen the mini program"),
        )]));
    }
    Ok(web::Json(service::sign_in_resident(&state, &code).await?))
}

/// Sign in a member of staff with username and password. A wrong username and a wrong password
/// get the same answer; repeated failures lock the username and the address for a while.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordSignInIn,
    responses(
        (status = 200, description = "Signed in", body = TokenOut),
        (status = 401, description = "Wrong username or password (`INVALID_CREDENTIALS`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is switched off (`ACCOUNT_DISABLED`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked after repeated failures (`ACCOUNT_LOCKED`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/auth/password")]
pub async fn sign_in_password(
    state: SharedState,
    req: HttpRequest,
    body: JsonBody<PasswordSignInIn>,
) -> Result<web::Json<TokenOut>, ApiError> {
    let PasswordSignInIn { username, password } = body.0;
    let mut errors = Vec::new();
    if username.trim().is_empty() || username.len() > 64 {
        errors.push(FieldError::new(
            "username",
            FieldCode::InvalidValue,
            Message::new("请输入用户名", "Enter the username"),
        ));
    }
    if password.is_empty() || password.len() > 512 {
        errors.push(FieldError::new(
            "password",
            FieldCode::InvalidValue,
            Message::new("请输入密码", "Enter the password"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let address = client_address(&req, state.settings.server.trust_forwarded_for);
    Ok(web::Json(service::sign_in_staff(&state, &username, password, address).await?))
}

/// Exchange a refresh token for a new access token and a new refresh token. Each refresh token
/// works once. Sent again within `auth.refresh_replay_secs` (30 s) while the new refresh token is
/// unused (the answer was lost), it answers the same tokens again; presented after that, it ends
/// the whole sign-in (it may have been copied).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshIn,
    responses(
        (status = 200, description = "New tokens", body = TokenOut),
        (status = 401, description = "Unknown, expired, revoked, or spent longer ago than the replay window or after the new token was used (`INVALID_REFRESH_TOKEN`): sign in again", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is switched off (`ACCOUNT_DISABLED`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/auth/refresh")]
pub async fn refresh_tokens(state: SharedState, body: JsonBody<RefreshIn>) -> Result<web::Json<TokenOut>, ApiError> {
    Ok(web::Json(service::refresh(&state, &body.0.refresh_token).await?))
}

/// Sign out: the refresh token and every token of its sign-in stop working. Always 204.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshIn,
    responses(
        (status = 204, description = "Signed out (or the token was not valid anyway)"),
        (status = 422, description = "No refresh token in the body", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(state: SharedState, body: JsonBody<RefreshIn>) -> Result<HttpResponse, ApiError> {
    service::logout(&state, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
