//! Where a resident's sign-in code is checked: WeChat in production, or the `dev` provider that
//! takes `dev:<name>` without calling out (development and tests only; see `LoginProvider`).

use crate::config::{LoginProvider, WechatSettings};
use crate::error::{ApiError, ErrorCode, Message};
use crate::infra::wechat::{WechatClient, WechatError, WechatIdentity};
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum LoginConfigError {
    #[error(
        "JIUZHU__WECHAT__PROVIDER=dev lets anyone sign in as any resident and is refused in a release build; \
         set JIUZHU__WECHAT__ALLOW_DEV_IN_RELEASE=true only on a demo server"
    )]
    DevInRelease,
    #[error("cannot build the WeChat HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

pub enum ResidentLogin<'a> {
    Wechat(&'a WechatClient),
    Dev,
}

const DEV_PREFIX: &str = "dev:";

/// At start-up: the `dev` provider is refused in a release build unless allowed; the log says how
/// residents sign in.
pub fn check_settings(settings: &WechatSettings) -> Result<(), LoginConfigError> {
    match settings.provider {
        LoginProvider::Dev => {
            dev_allowed(!cfg!(debug_assertions), settings)?;
            tracing::warn!("resident sign-in uses the dev provider: the code `dev:<name>` signs in anyone");
        }
        LoginProvider::Wechat => {
            if settings.credentials().is_none() {
                tracing::warn!(
                    "WeChat sign-in is not configured (JIUZHU__WECHAT__APP_ID, JIUZHU__WECHAT__APP_SECRET): \
                     residents cannot sign in"
                );
            }
        }
    }
    Ok(())
}

impl<'a> ResidentLogin<'a> {
    /// The provider `wechat.provider` names, over the state's `jscode2session` client.
    pub fn of(state: &'a AppState) -> Self {
        match state.settings.wechat.provider {
            LoginProvider::Dev => Self::Dev,
            LoginProvider::Wechat => Self::Wechat(&state.wechat_login),
        }
    }

    /// Who the code belongs to.
    pub async fn identify(&self, code: &str) -> Result<WechatIdentity, ApiError> {
        match self {
            Self::Wechat(client) => client.code_to_session(code).await.map_err(ApiError::from),
            Self::Dev => {
                let name = code.strip_prefix(DEV_PREFIX).filter(|name| {
                    (1..=32).contains(&name.len())
                        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                });
                match name {
                    Some(name) => Ok(WechatIdentity { openid: format!("dev_{name}"), unionid: None }),
                    None => Err(ApiError::new(ErrorCode::WechatCodeInvalid)),
                }
            }
        }
    }
}

/// The `dev` provider is for development: a release build refuses it unless told otherwise.
fn dev_allowed(release_build: bool, settings: &WechatSettings) -> Result<(), LoginConfigError> {
    if release_build && !settings.allow_dev_in_release {
        return Err(LoginConfigError::DevInRelease);
    }
    Ok(())
}

impl From<WechatError> for ApiError {
    fn from(err: WechatError) -> Self {
        match err {
            WechatError::InvalidCode(_) => ApiError::new(ErrorCode::WechatCodeInvalid),
            WechatError::RateLimited => {
                ApiError::new(ErrorCode::RateLimited).with_retry_after(60).with_detail(Message::new(
                    "微信登录太频繁,请一分钟后再试。",
                    "Too many WeChat sign-ins; wait a minute and try again.",
                ))
            }
            WechatError::RiskyUser => ApiError::new(ErrorCode::WechatUserBlocked),
            WechatError::Busy | WechatError::Unreachable(_) | WechatError::NotConfigured => {
                ApiError::new(ErrorCode::WechatUnavailable).with_retry_after(5).with_source(err)
            }
            WechatError::BadResponse(_) => ApiError::new(ErrorCode::WechatError).with_source(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_refuse_the_dev_provider_unless_told() {
        let settings = WechatSettings { provider: LoginProvider::Dev, ..WechatSettings::default() };
        assert!(dev_allowed(false, &settings).is_ok());
        assert!(matches!(dev_allowed(true, &settings), Err(LoginConfigError::DevInRelease)));
        let demo = WechatSettings { allow_dev_in_release: true, ..settings };
        assert!(dev_allowed(true, &demo).is_ok());
    }

    #[tokio::test]
    async fn the_dev_provider_takes_only_dev_codes() {
        let login = ResidentLogin::Dev;
        assert_eq!(login.identify("dev:li-4").await.unwrap().openid, "dev_li-4");
        for code in ["li", "dev:", "dev:a b", &format!("dev:{}", "x".repeat(33))] {
            assert_eq!(login.identify(code).await.unwrap_err().code(), ErrorCode::WechatCodeInvalid, "{code}");
        }
    }
}
