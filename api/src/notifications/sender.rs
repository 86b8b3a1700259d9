//! A typed client for WeChat's subscribe messages: `cgi-bin/token` for the access token (kept in
//! the shared cache, one per deployment) and `cgi-bin/message/subscribe/send`, for progress
//! updates and check-in reminders.

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{NotificationSettings, WechatSettings};
use crate::infra::cache::Cache;
use crate::infra::wechat_token::{AccessToken, TokenError};
use crate::notifications::outbox::CHECKIN_REMINDER;

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

pub struct SubscribeSender {
    base_url: String,
    token: AccessToken,
    progress: Template,
    checkin: Template,
}

/// A subscribe-message template the mini program registered, and the page it opens.
struct Template {
    id: String,
    page: String,
}

impl SubscribeSender {
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
        Ok(Self {
            base_url: base.trim_end_matches('/').to_owned(),
            token,
            progress: Template { id: settings.template_id.clone(), page: settings.page.clone() },
            checkin: Template { id: settings.checkin_template_id.clone(), page: settings.checkin_page.clone() },
        })
    }

    /// Whether WeChat credentials are there; without them notifications stay queued.
    pub fn is_configured(&self) -> bool {
        self.token.is_configured()
    }

    /// Sends one message of `template` (`progress` or `checkin_reminder`) to `openid` about
    /// `application_id`.
    pub async fn send(
        &self,
        openid: &str,
        template: &str,
        application_id: uuid::Uuid,
        payload: &Value,
    ) -> Result<(), SendError> {
        let template = if template == CHECKIN_REMINDER { &self.checkin } else { &self.progress };
        let text = |key: &str, max: usize| {
            let value = payload.get(key).and_then(Value::as_str).unwrap_or("-");
            json!({ "value": value.chars().take(max).collect::<String>() })
        };
        let body = json!({
            "touser": openid,
            "template_id": template.id,
            "page": template.page.replace("{id}", &application_id.to_string()),
            "data": {
                "character_string1": text("number", 32),
                "phrase2": text("status_name", 5),
                "time3": text("at", 20),
            },
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
