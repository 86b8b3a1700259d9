//! WeChat 人脸核身 as a [`FaceVerifier`] (high assurance), over the typed client in
//! `infra::wechat_face`. A check-in passes only when `errcode == 0` and `verify_ret == 10000`.
//!
//! `verify_ret` 9xxxx are the phone's own failures (user cancelled, no camera permission,
//! network): the verification did not finish, nothing is recorded. Other values (10001 and up:
//! ID mismatch, face mismatch, not the same person) are failures of the check-in. `errcode` -1,
//! 45009 and token errors (40001, 42001) are WeChat being unavailable; other `errcode`s on the
//! query (an unknown or expired `verify_id`) fail the check-in.

use futures_util::future::BoxFuture;

use super::{Assurance, FaceVerifier, Subject, Verdict, VerifierError};
use crate::infra::wechat_face::{FaceApiError, Person, VERIFY_OK, WechatFace};
use crate::infra::wechat_token::TokenError;

pub struct Wechat<'a> {
    api: &'a WechatFace,
}

impl<'a> Wechat<'a> {
    pub fn new(api: &'a WechatFace) -> Self {
        Self { api }
    }
}

fn person<'a>(subject: &'a Subject<'a>) -> Result<Person<'a>, VerifierError> {
    let openid = subject.openid.ok_or_else(|| VerifierError::Refused("the account has no openid".to_owned()))?;
    Ok(Person { name: subject.name, id_number: subject.id_number, openid })
}

impl From<FaceApiError> for VerifierError {
    fn from(err: FaceApiError) -> Self {
        match err {
            FaceApiError::Token(TokenError::Unavailable(_)) => Self::Unavailable(err.to_string()),
            FaceApiError::Token(TokenError::NotConfigured) | FaceApiError::Unreadable(_) => {
                Self::Refused(err.to_string())
            }
        }
    }
}

impl FaceVerifier for Wechat<'_> {
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
            let answer = self.api.get_verify_id(&person(subject)?, subject.out_seq_no).await?;
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
            let answer = self.api.query_verify_info(&person(subject)?, subject.out_seq_no, verify_id).await?;
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

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}
