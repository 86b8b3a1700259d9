//! WeChat 人脸核身 for mini programs: `cityservice/face/identify/getverifyid` with the person's
//! name and ID number gives a `verify_id`; the phone runs `wx.requestFacialVerify` with it (face
//! against the ID photo at the authoritative source, with liveness); `queryverifyinfo` then says
//! how it went. A check-in passes only when `errcode == 0` and `verify_ret == 10000`.
//!
//! `verify_ret` 9xxxx are the phone's own failures (user cancelled, no camera permission,
//! network): the verification did not finish, nothing is recorded. Other values (10001 and up:
//! ID mismatch, face mismatch, not the same person) are failures of the check-in. `errcode` -1,
//! 45009 and token errors (40001, 42001) are WeChat being unavailable; other `errcode`s on the
//! query (an unknown or expired `verify_id`) fail the check-in.

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::checkins::verifier::{Assurance, FaceVerifier, Subject, Verdict, VerifierError};
use crate::infra::wechat_token::{AccessToken, TokenError};

pub const VERIFY_OK: i64 = 10000;

pub struct WechatFace {
    base_url: String,
    token: AccessToken,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    verify_id: Option<String>,
    verify_ret: Option<i64>,
}

impl WechatFace {
    pub fn new(base_url: &str, token: AccessToken) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_owned(), token }
    }

    async fn call(&self, path: &str, body: serde_json::Value) -> Result<Answer, VerifierError> {
        let url = format!("{}/cityservice/face/identify/{path}", self.base_url);
        let answer = self.token.post(&url, &body).await.map_err(|err| match err {
            TokenError::NotConfigured => VerifierError::Refused(err.to_string()),
            TokenError::Unavailable(_) => VerifierError::Unavailable(err.to_string()),
        })?;
        serde_json::from_value(answer).map_err(|err| VerifierError::Refused(format!("an answer we cannot read: {err}")))
    }
}

/// `cert_hash` as WeChat defines it: Base64 of SHA-256 over
/// `cert_type=IDENTITY_CARD&cert_name=<name>&cert_no=<number>`.
pub fn cert_hash(name: &str, id_number: &str) -> String {
    use base64::Engine as _;
    let text = format!("cert_type=IDENTITY_CARD&cert_name={name}&cert_no={id_number}");
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

impl FaceVerifier for WechatFace {
    fn name(&self) -> &'static str {
        "wechat"
    }

    fn assurance(&self) -> Assurance {
        Assurance::High
    }

    fn needs_identity(&self) -> bool {
        true
    }

    fn begin<'a>(&'a self, subject: &'a Subject<'a>) -> BoxFuture<'a, Result<Option<String>, VerifierError>> {
        Box::pin(async move {
            let openid =
                subject.openid.ok_or_else(|| VerifierError::Refused("the account has no openid".to_owned()))?;
            let body = json!({
                "out_seq_no": subject.out_seq_no,
                "cert_info": { "cert_type": "IDENTITY_CARD", "cert_name": subject.name, "cert_no": subject.id_number },
                "openid": openid,
            });
            let answer = self.call("getverifyid", body).await?;
            match (answer.errcode, answer.verify_id) {
                (0, Some(id)) if !id.is_empty() => Ok(Some(id)),
                (code, _) => {
                    Err(VerifierError::Refused(format!("getverifyid errcode {code}: {}", clip(&answer.errmsg))))
                }
            }
        })
    }

    fn confirm<'a>(
        &'a self,
        subject: &'a Subject<'a>,
        session: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, VerifierError>> {
        Box::pin(async move {
            let verify_id =
                session.ok_or_else(|| VerifierError::Refused("no verify_id for this challenge".to_owned()))?;
            let openid =
                subject.openid.ok_or_else(|| VerifierError::Refused("the account has no openid".to_owned()))?;
            let body = json!({
                "verify_id": verify_id,
                "out_seq_no": subject.out_seq_no,
                "cert_hash": cert_hash(subject.name, subject.id_number),
                "openid": openid,
            });
            let answer = self.call("queryverifyinfo", body).await?;
            let reference = Some(verify_id.to_owned());
            Ok(match (answer.errcode, answer.verify_ret) {
                (0, Some(VERIFY_OK)) => Verdict::Passed { reference },
                (0, Some(code)) if (90000..100_000).contains(&code) => {
                    Verdict::Incomplete { reason: format!("wechat_verify_ret_{code}") }
                }
                (0, Some(code)) => Verdict::Failed { reason: format!("wechat_verify_ret_{code}"), reference },
                (0, None) => Verdict::Failed { reason: "wechat_no_verify_ret".to_owned(), reference },
                (code, _) => Verdict::Failed { reason: format!("wechat_errcode_{code}"), reference },
            })
        })
    }
}

/// The HTTP client for face verification.
pub fn client(timeout_ms: u64) -> Result<reqwest::Client, reqwest::Error> {
    crate::infra::install_tls_provider();
    let timeout = Duration::from_millis(timeout_ms);
    reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
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
