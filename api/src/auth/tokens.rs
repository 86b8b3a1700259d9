//! Short-lived JWT access tokens.
//!
//! Only HS256 is accepted (a fixed allow-list, so `alg: none` and RS/HS confusion cannot get in);
//! `iss`, `aud`, `exp` and the header `typ` (`at+jwt`, RFC 9068) are checked; each token names the
//! `kid` that signed it, so keys can be rotated: the first configured key signs, all of them verify.
//! Refresh tokens are opaque random strings stored hashed, never JWTs, so one can never pass as an
//! access token.
//!
//! The keys are the state's (`infra::jwt_keys`: configured, or kept in the data directory);
//! [`TokenService::of`] borrows them with `[auth]` where a token is issued or checked.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::AuthSettings;
use crate::infra::jwt_keys::JwtKeys;
use crate::state::AppState;

/// The `typ` header of an access token.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
const ALGORITHM: Algorithm = Algorithm::HS256;

/// What an access token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The account id.
    pub sub: Uuid,
    /// The account's role, e.g. `resident`, `helper`, `township_reviewer`.
    pub role: String,
    /// The region the account is bound to (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
    /// Token id, for revocation lists and audit.
    pub jti: Uuid,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not a valid access token: {0}")]
    Invalid(String),
}

/// Signs and verifies access tokens with the state's keys.
pub struct TokenService<'a> {
    keys: &'a JwtKeys,
    settings: &'a AuthSettings,
    validation: Cow<'a, Validation>,
}

impl<'a> TokenService<'a> {
    pub fn of(state: &'a AppState) -> Self {
        let validation = Cow::Borrowed(&state.jwt_validation);
        Self { keys: &state.jwt_keys, settings: &state.settings.auth, validation }
    }

    pub fn new(keys: &'a JwtKeys, settings: &'a AuthSettings) -> Self {
        Self { keys, settings, validation: Cow::Owned(validation(settings)) }
    }

    pub fn access_ttl(&self) -> Duration {
        Duration::from_secs(self.settings.access_ttl_secs)
    }

    /// Issues an access token for `sub` acting as `role`.
    pub fn issue_access(&self, sub: Uuid, role: &str, region: Option<&str>) -> Result<String, TokenError> {
        let now = unix_now();
        let claims = AccessClaims {
            sub,
            role: role.to_owned(),
            region: region.map(str::to_owned),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            iat: now,
            exp: now + self.access_ttl().as_secs(),
            jti: Uuid::now_v7(),
        };
        let (kid, key) = self.keys.signing();
        let mut header = Header::new(ALGORITHM);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, &claims, key).map_err(|e| TokenError::Invalid(e.to_string()))
    }

    /// Checks signature, algorithm, `typ`, `kid`, issuer, audience and expiry.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(e.to_string()))?;
        if header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenError::Invalid("not an access token".to_owned()));
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.verifying(kid))
            .ok_or_else(|| TokenError::Invalid("unknown key id".to_owned()))?;
        jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation).map(|data| data.claims).map_err(|e| match e
            .kind()
        {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid(e.to_string()),
        })
    }
}

/// HS256 only, this deployment's issuer and audience, `exp` with 30 s of leeway: built once per
/// node (`AppState::jwt_validation`), not per request.
pub fn validation(settings: &AuthSettings) -> Validation {
    // `Validation::new` allows exactly this one algorithm.
    let mut validation = Validation::new(ALGORITHM);
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 30;
    validation
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::EncodingKey;

    use super::*;

    const K1: &str = "k1:0123456789abcdef0123456789abcdef";
    const K2: &str = "k2:fedcba9876543210fedcba9876543210";

    /// Keys and settings, owned, with the service's two calls.
    struct Service {
        keys: JwtKeys,
        settings: AuthSettings,
    }

    impl Service {
        fn new(settings: AuthSettings, data_dir: &std::path::Path) -> Self {
            Self { keys: JwtKeys::from_settings(&settings, data_dir).unwrap(), settings }
        }

        fn issue_access(&self, sub: Uuid, role: &str, region: Option<&str>) -> Result<String, TokenError> {
            TokenService::new(&self.keys, &self.settings).issue_access(sub, role, region)
        }

        fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
            TokenService::new(&self.keys, &self.settings).verify_access(token)
        }
    }

    fn service(keys: &str) -> Service {
        let settings = AuthSettings { jwt_keys: Some(keys.into()), ..AuthSettings::default() };
        Service::new(settings, std::path::Path::new("/nonexistent"))
    }

    fn sign(header: &Header, claims: &serde_json::Value, secret: &[u8]) -> String {
        jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret)).unwrap()
    }

    fn claims(exp_offset: i64, aud: &str) -> serde_json::Value {
        let now = unix_now() as i64;
        serde_json::json!({
            "sub": Uuid::nil(), "role": "admin", "iss": "jiuzhu", "aud": aud,
            "iat": now, "exp": now + exp_offset, "jti": Uuid::nil(),
        })
    }

    fn header(alg: Algorithm, typ: &str, kid: &str) -> Header {
        let mut header = Header::new(alg);
        header.typ = Some(typ.to_owned());
        header.kid = Some(kid.to_owned());
        header
    }

    const SECRET1: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_tokens_verify() {
        let tokens = service(K1);
        let token = tokens.issue_access(Uuid::nil(), "township_reviewer", Some("500116001")).unwrap();
        let claims = tokens.verify_access(&token).unwrap();
        assert_eq!((claims.role.as_str(), claims.region.as_deref()), ("township_reviewer", Some("500116001")));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let token = sign(&header(ALGORITHM, ACCESS_TOKEN_TYPE, "k1"), &claims(-120, "jiuzhu-api"), SECRET1);
        assert_eq!(service(K1).verify_access(&token), Err(TokenError::Expired));
    }

    #[test]
    fn tampered_tokens_are_refused() {
        let token = service(K1).issue_access(Uuid::nil(), "resident", None).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let forged = serde_json::to_vec(&claims(600, "jiuzhu-api")).unwrap();
        parts[1] = URL_SAFE_NO_PAD.encode(forged);
        assert!(matches!(service(K1).verify_access(&parts.join(".")), Err(TokenError::Invalid(_))));
    }

    #[test]
    fn wrong_audience_is_refused() {
        let token = sign(&header(ALGORITHM, ACCESS_TOKEN_TYPE, "k1"), &claims(600, "other-api"), SECRET1);
        assert!(matches!(service(K1).verify_access(&token), Err(TokenError::Invalid(_))));
    }

    #[test]
    fn alg_none_is_refused() {
        let head = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims(600, "jiuzhu-api").to_string());
        assert!(service(K1).verify_access(&format!("{head}.{body}.")).is_err());
    }

    #[test]
    fn other_algorithms_are_refused_even_with_the_right_secret() {
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let token = sign(&header(alg, ACCESS_TOKEN_TYPE, "k1"), &claims(600, "jiuzhu-api"), SECRET1);
            assert!(service(K1).verify_access(&token).is_err(), "{alg:?}");
        }
        // An RS256 header over an HMAC signature: the RS/HS confusion attack.
        let hs = sign(&header(ALGORITHM, ACCESS_TOKEN_TYPE, "k1"), &claims(600, "jiuzhu-api"), SECRET1);
        let mut parts: Vec<String> = hs.split('.').map(str::to_owned).collect();
        parts[0] = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#);
        assert!(service(K1).verify_access(&parts.join(".")).is_err());
    }

    #[test]
    fn a_token_of_another_type_is_refused() {
        let token = sign(&header(ALGORITHM, "refresh+jwt", "k1"), &claims(600, "jiuzhu-api"), SECRET1);
        assert!(matches!(service(K1).verify_access(&token), Err(TokenError::Invalid(_))));
        assert!(service(K1).verify_access("an-opaque-refresh-token").is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_until_the_old_key_is_removed() {
        let old = service(K1).issue_access(Uuid::nil(), "resident", None).unwrap();
        let rotated = service(&format!("{K2},{K1}"));
        assert!(rotated.verify_access(&old).is_ok(), "old key still verifies");
        let new = rotated.issue_access(Uuid::nil(), "resident", None).unwrap();
        assert_eq!(jsonwebtoken::decode_header(&new).unwrap().kid.as_deref(), Some("k2"), "new key signs");
        assert!(service(K2).verify_access(&old).is_err(), "a removed key no longer verifies");
    }

    #[test]
    fn without_configured_keys_the_local_key_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("jiuzhu-jwt-{}", Uuid::new_v4().simple()));
        let before = Service::new(AuthSettings::default(), &dir);
        let token = before.issue_access(Uuid::nil(), "resident", None).unwrap();
        let after = Service::new(AuthSettings::default(), &dir);
        assert!(after.verify_access(&token).is_ok(), "the same key after a restart");
        let elsewhere = std::env::temp_dir().join(format!("jiuzhu-jwt-{}", Uuid::new_v4().simple()));
        assert!(Service::new(AuthSettings::default(), &elsewhere).verify_access(&token).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&elsewhere).unwrap();
    }
}
