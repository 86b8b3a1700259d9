//! Short-lived JWT access tokens.
//!
//! Only HS256 is accepted (a fixed allow-list, so `alg: none` and RS/HS confusion cannot get in);
//! `iss`, `aud`, `exp` and the header `typ` (`at+jwt`, RFC 9068) are checked; each token names the
//! `kid` that signed it, so keys can be rotated: the first configured key signs, all of them verify.
//! Refresh tokens are opaque random strings stored hashed, never JWTs, so one can never pass as an
//! access token.
//!
//! Without `auth.jwt_keys` (a bare `cargo run`) the key is made once and kept in
//! `<data_dir>/jwt-key` (mode 0600), so a restart does not sign everyone out; several nodes must
//! share a configured key.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::AuthSettings;

/// The `typ` header of an access token.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
const ALGORITHM: Algorithm = Algorithm::HS256;
const MIN_SECRET_BYTES: usize = 32;
const LOCAL_KEY_FILE: &str = "jwt-key";

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

#[derive(Debug, thiserror::Error)]
pub enum TokenConfigError {
    #[error(
        "JIUZHU__AUTH__JWT_KEYS must be `kid:secret[,kid:secret...]` with distinct kids and secrets of at least {MIN_SECRET_BYTES} bytes: {0}"
    )]
    Keys(&'static str),
    #[error("cannot read or create the local token key file {path}: {source}. Set JIUZHU__AUTH__JWT_KEYS.")]
    LocalFile { path: String, source: std::io::Error },
}

/// Signs and verifies access tokens with the configured keys.
pub struct TokenService {
    signing_kid: String,
    signing_key: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    access_ttl: Duration,
}

impl TokenService {
    /// The configured keys, or the local key kept in `data_dir` when none is configured.
    pub fn from_settings(settings: &AuthSettings, data_dir: &Path) -> Result<Self, TokenConfigError> {
        let keys = match &settings.jwt_keys {
            Some(keys) => parse_keys(keys.expose_secret())?,
            None => local_key(data_dir)?,
        };
        let (signing_kid, signing_secret) = keys.first().cloned().ok_or(TokenConfigError::Keys("no key"))?;
        // `Validation::new` allows exactly this one algorithm.
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Ok(Self {
            signing_key: EncodingKey::from_secret(&signing_secret),
            signing_kid,
            verifying: keys.iter().map(|(kid, secret)| (kid.clone(), DecodingKey::from_secret(secret))).collect(),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl: Duration::from_secs(settings.access_ttl_secs),
        })
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// Issues an access token for `sub` acting as `role`.
    pub fn issue_access(&self, sub: Uuid, role: &str, region: Option<&str>) -> Result<String, TokenError> {
        let now = unix_now();
        let claims = AccessClaims {
            sub,
            role: role.to_owned(),
            region: region.map(str::to_owned),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.access_ttl.as_secs(),
            jti: Uuid::now_v7(),
        };
        let mut header = Header::new(ALGORITHM);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        header.kid = Some(self.signing_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing_key).map_err(|e| TokenError::Invalid(e.to_string()))
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
            .and_then(|kid| self.verifying.get(kid))
            .ok_or_else(|| TokenError::Invalid("unknown key id".to_owned()))?;
        jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation).map(|data| data.claims).map_err(|e| match e
            .kind()
        {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid(e.to_string()),
        })
    }
}

/// The key kept in `<data_dir>/jwt-key`, made on first use (`local:<48 random bytes, base64>`).
fn local_key(data_dir: &Path) -> Result<Vec<(String, Vec<u8>)>, TokenConfigError> {
    let path = data_dir.join(LOCAL_KEY_FILE);
    let local_error = |source| TokenConfigError::LocalFile { path: path.display().to_string(), source };
    let text = crate::local_key::read_or_create(&path, || {
        let secret = crate::local_key::random_bytes(48)?;
        Ok(format!("local:{}\n", base64::engine::general_purpose::STANDARD.encode(secret)))
    })
    .map_err(local_error)?;
    tracing::warn!(
        path = %path.display(),
        "JIUZHU__AUTH__JWT_KEYS is not set: tokens are signed with a key kept in a local file. Fine for one \
         machine; production and several nodes must set JIUZHU__AUTH__JWT_KEYS."
    );
    parse_keys(text.trim())
}

fn parse_keys(raw: &str) -> Result<Vec<(String, Vec<u8>)>, TokenConfigError> {
    let mut keys: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kid, secret) = entry.split_once(':').ok_or(TokenConfigError::Keys("an entry has no `kid:`"))?;
        let kid = kid.trim();
        if kid.is_empty() || keys.iter().any(|(k, _)| k == kid) {
            return Err(TokenConfigError::Keys("empty or repeated kid"));
        }
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenConfigError::Keys("a secret is too short"));
        }
        keys.push((kid.to_owned(), secret.as_bytes().to_vec()));
    }
    if keys.is_empty() {
        return Err(TokenConfigError::Keys("no key"));
    }
    Ok(keys)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const K1: &str = "k1:0123456789abcdef0123456789abcdef";
    const K2: &str = "k2:fedcba9876543210fedcba9876543210";

    fn service(keys: &str) -> TokenService {
        let settings = AuthSettings { jwt_keys: Some(keys.into()), ..AuthSettings::default() };
        TokenService::from_settings(&settings, Path::new("/nonexistent")).unwrap()
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
        let before = TokenService::from_settings(&AuthSettings::default(), &dir).unwrap();
        let token = before.issue_access(Uuid::nil(), "resident", None).unwrap();
        let after = TokenService::from_settings(&AuthSettings::default(), &dir).unwrap();
        assert!(after.verify_access(&token).is_ok(), "the same key after a restart");
        let elsewhere = std::env::temp_dir().join(format!("jiuzhu-jwt-{}", Uuid::new_v4().simple()));
        assert!(
            TokenService::from_settings(&AuthSettings::default(), &elsewhere).unwrap().verify_access(&token).is_err()
        );
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&elsewhere).unwrap();
    }

    #[test]
    fn weak_or_malformed_keys_stop_start_up() {
        for keys in ["", "k1", "k1:short", &format!("{K1},{K1}")] {
            let settings = AuthSettings { jwt_keys: Some(keys.into()), ..AuthSettings::default() };
            assert!(TokenService::from_settings(&settings, Path::new("/nonexistent")).is_err(), "{keys:?}");
        }
    }
}
