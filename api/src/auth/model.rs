use chrono::{DateTime, Utc};
use entity::account;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocab::{HelperKind, Role};

/// The code from `wx.login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "0a3Xk1ll2nKx8f4pQ52ll2Y5Hg3Xk1lK"}))]
pub struct WechatSignInIn {
    /// Printable ASCII, as `wx.login` returns it.
    #[schema(min_length = 1, max_length = 128, pattern = "^[!-~]{1,128}$")]
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "demo-reviewer", "password": "Lanterns-at-dusk-7"}))]
pub struct PasswordSignInIn {
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// A refresh token, to exchange (refresh) or to end (logout).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshIn {
    pub refresh_token: String,
}

/// What a sign-in or a refresh returns. Keep the refresh token in the app's secure storage; it is
/// shown once, and each refresh replaces it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Exchange at `POST /api/v1/auth/refresh` for new tokens; single use.
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub account: AccountOut,
}

/// An account as its owner and administrators see it. Secrets and WeChat ids never appear.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: Uuid,
    pub role: Role,
    pub display_name: String,
    /// The region a member of staff works in.
    pub region_code: Option<String>,
    pub helper_kind: Option<HelperKind>,
    pub organisation: Option<String>,
    /// Staff only.
    pub username: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl From<account::Model> for AccountOut {
    fn from(row: account::Model) -> Self {
        Self {
            id: row.id,
            role: Role::parse(&row.role).unwrap_or(Role::Resident),
            display_name: row.display_name,
            region_code: row.region_code,
            helper_kind: row.helper_kind.as_deref().and_then(HelperKind::parse),
            organisation: row.organisation,
            username: row.username,
            active: row.active,
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
        }
    }
}
