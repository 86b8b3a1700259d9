//! A typed client for the civil-affairs data-exchange service that runs the economic check of a
//! household against other departments (bank deposits, real estate, vehicles, social insurance).
//!
//! The request carries the signed authorization's id as proof of consent and one pseudonymous
//! reference per person (a keyed hash the exchange resolves; never an ID number), with our
//! investigation id as `Idempotency-Key` so a retried request is not a second check. Base URL,
//! key and timeout come from configuration; tests point it at a fake server.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::config::DataExchangeSettings;

/// The largest answer kept (the findings are stored with the investigation).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DataExchangeError {
    /// Timed out, could not connect, or a 5xx: nothing was decided, try again.
    #[error("data exchange unreachable: {0}")]
    Unavailable(String),
    /// A 4xx or an answer we cannot use (a consent it does not accept, say).
    #[error("data exchange refused: {0}")]
    Refused(String),
    #[error("no data-exchange service is configured (JIUZHU__DATA_EXCHANGE__BASE_URL)")]
    NotConfigured,
}

/// What is asked: whose economy, under which consent, covering what.
#[derive(Debug, Serialize)]
pub struct CheckRequest<'a> {
    pub request_id: Uuid,
    /// The first signed authorization (the applicant's).
    pub consent_id: Uuid,
    /// Every valid authorization of the household (each adult member signs).
    pub consent_ids: &'a [Uuid],
    pub subjects: &'a [String],
    pub scope: &'a [String],
    pub region_code: &'a str,
}

pub struct DataExchangeClient {
    http: reqwest::Client,
    base_url: Option<String>,
    api_key: Option<SecretString>,
}

impl DataExchangeClient {
    pub fn from_settings(settings: &DataExchangeSettings) -> Result<Self, reqwest::Error> {
        super::install_tls_provider();
        let timeout = Duration::from_millis(settings.timeout_ms);
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        let base_url = settings.base_url.as_ref().map(|url| url.trim_end_matches('/').to_owned());
        Ok(Self { http, base_url, api_key: settings.api_key.clone() })
    }

    /// Runs one economic check; the findings as the exchange sent them (a JSON object).
    pub async fn check(&self, request: &CheckRequest<'_>) -> Result<Value, DataExchangeError> {
        let base = self.base_url.as_ref().ok_or(DataExchangeError::NotConfigured)?;
        let mut call = self
            .http
            .post(format!("{base}/v1/economic-checks"))
            .header("Idempotency-Key", request.request_id.to_string())
            .json(request);
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key.expose_secret());
        }
        let response =
            call.send().await.map_err(|err| DataExchangeError::Unavailable(err.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body =
            response.bytes().await.map_err(|err| DataExchangeError::Unavailable(err.without_url().to_string()))?;
        read_answer(status, &body)
    }
}

/// Reads the exchange's answer: 200 with a JSON object of findings, 4xx refusals, 5xx outages.
pub fn read_answer(status: u16, body: &[u8]) -> Result<Value, DataExchangeError> {
    if status >= 500 || status == 429 {
        return Err(DataExchangeError::Unavailable(format!("HTTP {status}")));
    }
    let excerpt = || String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    if status != 200 {
        return Err(DataExchangeError::Refused(format!("HTTP {status}: {}", excerpt())));
    }
    if body.len() > MAX_ANSWER_BYTES {
        return Err(DataExchangeError::Refused(format!("answer of {} bytes is over the limit", body.len())));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(DataExchangeError::Refused(format!("not a JSON object: {}", excerpt()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_findings_and_errors() {
        assert_eq!(read_answer(200, br#"{"check_id":"c1"}"#).unwrap()["check_id"], "c1");
        assert!(matches!(read_answer(503, b""), Err(DataExchangeError::Unavailable(_))));
        assert!(matches!(read_answer(429, b""), Err(DataExchangeError::Unavailable(_))));
        assert!(
            matches!(read_answer(403, br#"{"code":"CONSENT_REVOKED"}"#), Err(DataExchangeError::Refused(m)) if m.contains("CONSENT_REVOKED"))
        );
        assert!(matches!(read_answer(200, b"[1]"), Err(DataExchangeError::Refused(_))));
        assert!(matches!(read_answer(200, b"<html>"), Err(DataExchangeError::Refused(_))));
    }
}
