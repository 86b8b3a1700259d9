//! A typed client for WeChat 人脸核身 in mini programs: `cityservice/face/identify/getverifyid`
//! with the person's name and ID number gives a `verify_id`; the phone runs
//! `wx.requestFacialVerify` with it (face against the ID photo at the authoritative source, with
//! liveness); `queryverifyinfo` then says how it went, in `verify_ret` ([`VERIFY_OK`] when it is the
//! person). What an answer means for a check-in is the check-ins domain's to say
//! (`checkins::verifier::wechat`).

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::infra::wechat_token::{AccessToken, TokenError};

/// `verify_ret` of a verification that found the person.
pub const VERIFY_OK: i64 = 10000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaceApiError {
    /// No access token: not configured, or WeChat busy, unreachable or its token stale.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// WeChat answered something that is not the answer it documents.
    #[error("an answer we cannot read: {0}")]
    Unreadable(String),
}

/// WeChat's answer to either call; `errcode` 0 when it took the request.
#[derive(Debug, Deserialize)]
pub struct FaceAnswer {
    #[serde(default)]
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    pub verify_id: Option<String>,
    pub verify_ret: Option<i64>,
}

/// Whom to verify: the name and ID number on the ID card, and the mini program user.
pub struct Person<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
    pub openid: &'a str,
}

pub struct WechatFace {
    base_url: String,
    token: AccessToken,
}

impl WechatFace {
    pub fn new(base_url: &str, token: AccessToken) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_owned(), token }
    }

    /// `getverifyid`: a session for the phone to verify `person`'s face, our reference `out_seq_no`.
    pub async fn get_verify_id(&self, person: &Person<'_>, out_seq_no: &str) -> Result<FaceAnswer, FaceApiError> {
        let body = json!({
            "out_seq_no": out_seq_no,
            "cert_info": { "cert_type": "IDENTITY_CARD", "cert_name": person.name, "cert_no": person.id_number },
            "openid": person.openid,
        });
        self.call("getverifyid", body).await
    }

    /// `queryverifyinfo`: how the verification of session `verify_id` went.
    pub async fn query_verify_info(
        &self,
        person: &Person<'_>,
        out_seq_no: &str,
        verify_id: &str,
    ) -> Result<FaceAnswer, FaceApiError> {
        let body = json!({
            "verify_id": verify_id,
            "out_seq_no": out_seq_no,
            "cert_hash": cert_hash(person.name, person.id_number),
            "openid": person.openid,
        });
        self.call("queryverifyinfo", body).await
    }

    async fn call(&self, path: &str, body: serde_json::Value) -> Result<FaceAnswer, FaceApiError> {
        let url = format!("{}/cityservice/face/identify/{path}", self.base_url);
        let answer = self.token.post(&url, &body).await?;
        serde_json::from_value(answer).map_err(|err| FaceApiError::Unreadable(err.to_string()))
    }
}

/// `cert_hash` as WeChat defines it: Base64 of SHA-256 over
/// `cert_type=IDENTITY_CARD&cert_name=<name>&cert_no=<number>`.
pub fn cert_hash(name: &str, id_number: &str) -> String {
    use base64::Engine as _;
    let text = format!("cert_type=IDENTITY_CARD&cert_name={name}&cert_no={id_number}");
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The HTTP client for face verification.
pub fn client(timeout_ms: u64) -> Result<reqwest::Client, reqwest::Error> {
    crate::infra::install_tls_provider();
    let timeout = Duration::from_millis(timeout_ms);
    reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cert_hash_is_base64_of_sha256_of_the_cert_info() {
        let hash = cert_hash("张三", "110101199003071234");
        assert_eq!(hash.len(), 44);
        assert_ne!(hash, cert_hash("张三", "110101199003071235"));
    }
}
