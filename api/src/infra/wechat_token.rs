//! WeChat's server `access_token` (`cgi-bin/token`), one per deployment, kept in the shared cache
//! so every node uses the same token: subscribe messages and face verification both need it; and
//! the calls that carry it, with the answers worth retrying told apart.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use crate::infra::cache::Cache;

const TOKEN_KEY: &str = "wechat:access-token";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// No app id and secret configured.
    #[error("WeChat app id and secret are not configured")]
    NotConfigured,
    /// WeChat busy, unreachable, or without a token in its answer: try again later.
    #[error("no access token: {0}")]
    Unavailable(String),
}

pub struct AccessToken {
    http: reqwest::Client,
    base_url: String,
    credentials: Option<(String, SecretString)>,
    cache: Cache,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    errcode: i64,
    access_token: Option<String>,
    expires_in: Option<u64>,
}

impl AccessToken {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        credentials: Option<(String, SecretString)>,
        cache: Cache,
    ) -> Self {
        Self { http, base_url: base_url.trim_end_matches('/').to_owned(), credentials, cache }
    }

    pub fn is_configured(&self) -> bool {
        self.credentials.is_some()
    }

    /// The current token: from the shared cache, or fetched and cached.
    pub async fn get(&self) -> Result<String, TokenError> {
        if let Ok(Some(token)) = self.cache.get(TOKEN_KEY).await
            && let Ok(token) = String::from_utf8(token)
        {
            return Ok(token);
        }
        let (app_id, secret) = self.credentials.as_ref().ok_or(TokenError::NotConfigured)?;
        let answer = self
            .http
            .get(format!("{}/cgi-bin/token", self.base_url))
            .query(&[("grant_type", "client_credential"), ("appid", app_id), ("secret", secret.expose_secret())])
            .send()
            .await
            // `without_url`: the URL carries the app secret.
            .map_err(|err| TokenError::Unavailable(err.without_url().to_string()))?;
        let status = answer.status().as_u16();
        let body = answer.bytes().await.map_err(|err| TokenError::Unavailable(err.without_url().to_string()))?;
        let answer: Answer =
            serde_json::from_slice(&body).map_err(|_| TokenError::Unavailable(format!("HTTP {status}, not JSON")))?;
        let token = answer
            .access_token
            .filter(|t| answer.errcode == 0 && !t.is_empty())
            .ok_or_else(|| TokenError::Unavailable(format!("errcode {}", answer.errcode)))?;
        // Keep it a little shorter than WeChat does, so it is never used in its last minutes.
        let ttl = Duration::from_secs(answer.expires_in.unwrap_or(7200).saturating_sub(300).max(60));
        let _ = self.cache.set(TOKEN_KEY, token.as_bytes(), ttl).await;
        Ok(token)
    }

    /// Drops the cached token (WeChat said it expired or was replaced: 40001, 42001).
    pub async fn forget(&self) {
        let _ = self.cache.delete(TOKEN_KEY).await;
    }

    /// POSTs `body` to a WeChat API at `url` that takes the access token; WeChat's answer when it
    /// gave one for the caller to read (`errcode` 0 or a refusal). `Unavailable` when trying again
    /// later is the answer: unreachable, 5xx, 429, not JSON, busy (-1, 45009), or the token expired
    /// or was replaced (40001, 42001; forgotten, so the next call fetches a new one).
    pub async fn post(&self, url: &str, body: &Value) -> Result<Value, TokenError> {
        let token = self.get().await?;
        let answer = self
            .http
            .post(url)
            .query(&[("access_token", token.as_str())])
            .json(body)
            .send()
            .await
            // `without_url`: the URL carries the access token.
            .map_err(|err| TokenError::Unavailable(err.without_url().to_string()))?;
        let status = answer.status().as_u16();
        if status >= 500 || status == 429 {
            return Err(TokenError::Unavailable(format!("HTTP {status}")));
        }
        let bytes = answer.bytes().await.map_err(|err| TokenError::Unavailable(err.without_url().to_string()))?;
        let answer: Value =
            serde_json::from_slice(&bytes).map_err(|_| TokenError::Unavailable(format!("HTTP {status}, not JSON")))?;
        match answer.get("errcode").and_then(Value::as_i64).unwrap_or(0) {
            code @ (40001 | 42001) => {
                self.forget().await;
                Err(TokenError::Unavailable(format!("errcode {code}: access token")))
            }
            code @ (-1 | 45009) => Err(TokenError::Unavailable(format!("errcode {code}: busy"))),
            _ => Ok(answer),
        }
    }
}
