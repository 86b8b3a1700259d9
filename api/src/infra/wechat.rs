//! A typed client for WeChat's `jscode2session`: it turns the code a mini program gets from
//! `wx.login` into the user's openid (and unionid, when the app is bound to an open platform
//! account). The `session_key` in the answer is never read into memory we keep, returned or logged.
//!
//! Base URL, app id, secret and timeout come from configuration, so tests point it at a fake server.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::config::WechatSettings;

/// Who WeChat says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatIdentity {
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WechatError {
    /// 40029 / 40163: the code is invalid, expired or already used.
    #[error("WeChat refused the login code (errcode {0})")]
    InvalidCode(i64),
    /// 45011: WeChat's per-user rate limit.
    #[error("WeChat rate limit reached (errcode 45011)")]
    RateLimited,
    /// 40226: WeChat blocks this user as risky.
    #[error("WeChat blocks this user (errcode 40226)")]
    RiskyUser,
    /// -1: WeChat says it is busy.
    #[error("WeChat is busy (errcode -1)")]
    Busy,
    /// Timed out or could not connect.
    #[error("WeChat unreachable: {0}")]
    Unreachable(String),
    /// Any other error code (a wrong app id or secret, say) or an answer we cannot read.
    #[error("unexpected answer from WeChat: {0}")]
    BadResponse(String),
    #[error("WeChat sign-in is not configured: set JIUZHU__WECHAT__APP_ID and JIUZHU__WECHAT__APP_SECRET")]
    NotConfigured,
}

pub struct WechatClient {
    http: reqwest::Client,
    base_url: String,
    credentials: Option<(String, SecretString)>,
}

#[derive(Deserialize)]
struct SessionAnswer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    openid: Option<String>,
    unionid: Option<String>,
}

impl WechatClient {
    pub fn from_settings(settings: &WechatSettings) -> Result<Self, reqwest::Error> {
        super::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.timeout_ms))
            .connect_timeout(Duration::from_millis(settings.timeout_ms))
            .build()?;
        Ok(Self {
            http,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            credentials: settings.credentials(),
        })
    }

    pub fn is_configured(&self) -> bool {
        self.credentials.is_some()
    }

    /// Exchanges a `wx.login` code for the user's identity.
    pub async fn code_to_session(&self, code: &str) -> Result<WechatIdentity, WechatError> {
        let (app_id, secret) = self.credentials.as_ref().ok_or(WechatError::NotConfigured)?;
        let response = self
            .http
            .get(format!("{}/sns/jscode2session", self.base_url))
            .query(&[
                ("appid", app_id.as_str()),
                ("secret", secret.expose_secret()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            // `without_url`: the URL carries the app secret and must not reach a log line.
            .map_err(|err| WechatError::Unreachable(err.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|err| WechatError::Unreachable(err.without_url().to_string()))?;
        read_answer(status, &body)
    }
}

/// Reads WeChat's answer. WeChat labels its JSON `text/plain`, so the body is parsed whatever its
/// content type says.
pub fn read_answer(status: u16, body: &[u8]) -> Result<WechatIdentity, WechatError> {
    if status >= 500 {
        return Err(WechatError::Unreachable(format!("HTTP {status}")));
    }
    let answer: SessionAnswer = serde_json::from_slice(body)
        .map_err(|err| WechatError::BadResponse(format!("HTTP {status}, not JSON: {err}")))?;
    match answer.errcode {
        0 => match answer.openid.filter(|id| !id.is_empty() && id.len() <= 64) {
            Some(openid) => Ok(WechatIdentity { openid, unionid: answer.unionid.filter(|u| u.len() <= 64) }),
            None => Err(WechatError::BadResponse("no openid".to_owned())),
        },
        40029 | 40163 => Err(WechatError::InvalidCode(answer.errcode)),
        45011 => Err(WechatError::RateLimited),
        40226 => Err(WechatError::RiskyUser),
        -1 => Err(WechatError::Busy),
        other => Err(WechatError::BadResponse(format!(
            "errcode {other}: {}",
            answer.errmsg.chars().take(200).collect::<String>()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_identities_and_errors() {
        let ok = read_answer(200, br#"{"openid":"o1","session_key":"k","unionid":"u1"}"#).unwrap();
        assert_eq!(ok, WechatIdentity { openid: "o1".into(), unionid: Some("u1".into()) });
        assert_eq!(
            read_answer(200, br#"{"errcode":40163,"errmsg":"code been used"}"#),
            Err(WechatError::InvalidCode(40163))
        );
        assert_eq!(read_answer(200, br#"{"errcode":45011}"#), Err(WechatError::RateLimited));
        assert!(matches!(read_answer(502, b""), Err(WechatError::Unreachable(_))));
        assert!(matches!(read_answer(200, br#"{"errcode":0}"#), Err(WechatError::BadResponse(_))));
        assert!(matches!(read_answer(200, br#"{"errcode":"x"}"#), Err(WechatError::BadResponse(_))));
    }
}
