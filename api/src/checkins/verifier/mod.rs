//! Who confirms that the face on a remote check-in is the recipient's. A provider implements
//! [`FaceVerifier`]: `begin` when the challenge is issued (WeChat hands out a `verify_id` the phone
//! needs), `confirm` when the selfie arrives. Two ship: [`Local`] (what the server sees itself: a
//! live face and no replay, low assurance) and WeChat 人脸核身 ([`wechat`], high assurance). A
//! province identity platform is a third implementation and one more `checkins.verifier` value.
//! [`of`] builds the configured one from the state's clients where a check-in needs it.

pub(crate) mod wechat;

use futures_util::future::BoxFuture;

use crate::state::AppState;

/// The verifier `checkins.verifier` names: WeChat's over the state's face API client (built at
/// start-up when that is the setting), the local checks otherwise.
pub fn of(state: &AppState) -> Box<dyn FaceVerifier + '_> {
    match &state.wechat_face {
        Some(api) => Box::new(wechat::Wechat::new(api)),
        None => Box::new(Local),
    }
}

/// What a verifier needs to know about the person. The ID number is decrypted for the call only,
/// and never logged.
pub struct Subject<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
    pub openid: Option<&'a str>,
    /// Our reference for this check-in, sent to the provider.
    pub out_seq_no: &'a str,
}

/// The provider's answer about one check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed {
        reference: Option<String>,
    },
    /// The provider says it is not the person (a real failure: the community is asked to visit).
    Failed {
        reason: String,
        reference: Option<String>,
    },
    /// The verification did not finish on the phone (cancelled, no camera permission, network):
    /// nothing to record.
    Incomplete {
        reason: String,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifierError {
    /// Busy, slow, unreachable, or our token expired: try again.
    #[error("verifier unavailable: {0}")]
    Unavailable(String),
    /// It refused the request or answered something unusable.
    #[error("verifier error: {0}")]
    Refused(String),
}

/// How sure a passed check-in is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assurance {
    High,
    Low,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Low => "low",
        }
    }
}

pub trait FaceVerifier: Send + Sync {
    /// The name stored with each check-in (`wechat`, `local`, ...).
    fn name(&self) -> &'static str;
    fn assurance(&self) -> Assurance;
    /// Whether `begin` and `confirm` need the person's name and ID number (decrypted only then).
    fn needs_identity(&self) -> bool;
    /// At challenge time: the provider's session for the phone, if it has one.
    fn begin<'a>(&'a self, subject: &'a Subject<'a>) -> BoxFuture<'a, Result<Option<String>, VerifierError>>;
    /// When the selfie arrived: the provider's verdict on the session.
    fn confirm<'a>(
        &'a self,
        subject: &'a Subject<'a>,
        session: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, VerifierError>>;
}

/// The server's own checks only (the face and replay checks happen before any verifier).
pub struct Local;

impl FaceVerifier for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn assurance(&self) -> Assurance {
        Assurance::Low
    }

    fn needs_identity(&self) -> bool {
        false
    }

    fn begin<'a>(&'a self, _: &'a Subject<'a>) -> BoxFuture<'a, Result<Option<String>, VerifierError>> {
        Box::pin(async { Ok(None) })
    }

    fn confirm<'a>(&'a self, _: &'a Subject<'a>, _: Option<&'a str>) -> BoxFuture<'a, Result<Verdict, VerifierError>> {
        Box::pin(async { Ok(Verdict::Passed { reference: None }) })
    }
}
