//! A typed client for WeChat's subscribe messages (`cgi-bin/message/subscribe/send`), with the
//! deployment's access token (`wechat_token`, kept in the shared cache). What a message says is
//! the notifications domain's (`notifications::sender`).

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{NotificationSettings, WechatSettings};
use crate::infra::cache::Cache;
use crate::infra::wechat_token::{AccessToken, TokenError};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SendError {
    /// Worth another attempt later: WeChat busy or unreachable, a stale token.
    #[error("retry: {0}")]
    Retry(String),
    /// No point retrying: the user declined the subscription (43101), a bad template, no
    /// credentials.
    #[error("refused: {0}")]
    Refused(String),
}

/// One subscribe message: to whom, which registered template, the page it opens, its fields.
pub struct SubscribeMessage<'a> {
    pub openid: &'a str,
    pub template_id: &'a str,
    pub page: &'a str,
    pub data: Value,
}

pub struct SubscribeClient {
    base_url: String,
    token: AccessToken,
}

impl SubscribeClient {
    pub fn from_settings(
        settings: &NotificationSettings,
        wechat: &WechatSettings,
        cache: Cache,
    ) -> Result<Self, reqwest::Error> {
        crate::infra::install_tls_provider();
        let timeout = Duration::from_millis(settings.timeout_ms);
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        let base = settings.base_url.clone().unwrap_or_else(|| wechat.base_url.clone());
        let token = AccessToken::new(http, &base, wechat.credentials(), cache);
        Ok(Self { base_url: base.trim_end_matches('/').to_owned(), token })
    }

    /// Whether WeChat credentials are there; without them nothing can be sent.
    pub fn is_configured(&self) -> bool {
        self.token.is_configured()
    }

    pub async fn send(&self, message: &SubscribeMessage<'_>) -> Result<(), SendError> {
        let body = json!({
            "touser": message.openid,
            "template_id": message.template_id,
            "page": message.page,
            "data": message.data,
        });
        let url = format!("{}/cgi-bin/message/subscribe/send", self.base_url);
        let answer = self.token.post(&url, &body).await.map_err(|err| match err {
            TokenError::NotConfigured => SendError::Refused(err.to_string()),
            TokenError::Unavailable(_) => SendError::Retry(err.to_string()),
        })?;
        let errmsg = answer.get("errmsg").and_then(Value::as_str).unwrap_or_default();
        match answer.get("errcode").and_then(Value::as_i64).unwrap_or(0) {
            0 => Ok(()),
            43101 => Err(SendError::Refused("errcode 43101: the user declined the subscription".to_owned())),
            other => Err(SendError::Refused(format!("errcode {other}: {}", clip(errmsg)))),
        }
    }
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}
