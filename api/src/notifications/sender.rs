//! A typed client for WeChat's subscribe messages: `cgi-bin/token` for the access token (kept in
//! the shared cache, one per deployment) and `cgi-bin/message/subscribe/send`.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{NotificationSettings, WechatSettings};
use crate::infra::cache::Cache;

const TOKEN_KEY: &str = "wechat:access-token";

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
    http: reqwest::Client,
    base_url: String,
    credentials: Option<(String, SecretString)>,
    template_id: String,
    page: String,
    cache: Cache,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    access_token: Option<String>,
    expires_in: Option<u64>,
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
        let credentials = match (&wechat.app_id, &wechat.app_secret) {
            (Some(id), Some(secret)) if !id.is_empty() => Some((id.clone(), secret.clone())),
            _ => None,
        };
        Ok(Self {
            http,
            base_url: base.trim_end_matches('/').to_owned(),
            credentials,
            template_id: settings.template_id.clone(),
            page: settings.page.clone(),
            cache,
        })
    }

    /// Whether WeChat credentials are there; without them notifications stay queued.
    pub fn is_configured(&self) -> bool {
        self.credentials.is_some()
    }

    /// Sends one progress message to `openid` about `application_id`.
    pub async fn send(&self, openid: &str, application_id: uuid::Uuid, payload: &Value) -> Result<(), SendError> {
        let token = self.access_token().await?;
        let text = |key: &str, max: usize| {
            let value = payload.get(key).and_then(Value::as_str).unwrap_or("-");
            json!({ "value": value.chars().take(max).collect::<String>() })
        };
        let body = json!({
            "touser": openid,
            "template_id": self.template_id,
            "page": self.page.replace("{id}", &application_id.to_string()),
            "data": {
                "character_string1": text("number", 32),
                "phrase2": text("status_name", 5),
                "time3": text("at", 20),
            },
        });
        let answer = self
            .http
            .post(format!("{}/cgi-bin/message/subscribe/send", self.base_url))
            .query(&[("access_token", token.as_str())])
            .json(&body)
            .send()
            .await
            .map_err(|err| SendError::Retry(err.without_url().to_string()))?;
        let status = answer.status().as_u16();
        let answer: Answer = read(status, answer.bytes().await.ok().as_deref().unwrap_or_default())?;
        match answer.errcode {
            0 => Ok(()),
            // The token expired early or was replaced: fetch a new one next time.
            40001 | 42001 => {
                let _ = self.cache.delete(TOKEN_KEY).await;
                Err(SendError::Retry(format!("errcode {}: access token", answer.errcode)))
            }
            -1 | 45009 => Err(SendError::Retry(format!("errcode {}: busy", answer.errcode))),
            43101 => Err(SendError::Refused("errcode 43101: the user declined the subscription".to_owned())),
            other => Err(SendError::Refused(format!("errcode {other}: {}", clip(&answer.errmsg)))),
        }
    }

    async fn access_token(&self) -> Result<String, SendError> {
        if let Ok(Some(token)) = self.cache.get(TOKEN_KEY).await
            && let Ok(token) = String::from_utf8(token)
        {
            return Ok(token);
        }
        let (app_id, secret) = self
            .credentials
            .as_ref()
            .ok_or_else(|| SendError::Refused("WeChat app id and secret are not configured".to_owned()))?;
        let answer = self
            .http
            .get(format!("{}/cgi-bin/token", self.base_url))
            .query(&[("grant_type", "client_credential"), ("appid", app_id), ("secret", secret.expose_secret())])
            .send()
            .await
            // `without_url`: the URL carries the app secret.
            .map_err(|err| SendError::Retry(err.without_url().to_string()))?;
        let status = answer.status().as_u16();
        let answer: Answer = read(status, answer.bytes().await.ok().as_deref().unwrap_or_default())?;
        let token = answer
            .access_token
            .filter(|t| answer.errcode == 0 && !t.is_empty())
            .ok_or_else(|| SendError::Retry(format!("no access token: errcode {}", answer.errcode)))?;
        // Keep it a little shorter than WeChat does, so it is never used in its last minutes.
        let ttl = Duration::from_secs(answer.expires_in.unwrap_or(7200).saturating_sub(300).max(60));
        let _ = self.cache.set(TOKEN_KEY, token.as_bytes(), ttl).await;
        Ok(token)
    }
}

fn read(status: u16, body: &[u8]) -> Result<Answer, SendError> {
    if status >= 500 || status == 429 {
        return Err(SendError::Retry(format!("HTTP {status}")));
    }
    serde_json::from_slice(body).map_err(|_| SendError::Retry(format!("HTTP {status}, not JSON")))
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}
