//! The keys access tokens are signed and verified with, parsed once at start-up: `auth.jwt_keys`
//! (`kid:secret[,kid:secret...]`; the first signs, all of them verify, so keys can be rotated),
//! or, without it (a bare `cargo run`), a key made once and kept in `<data_dir>/jwt-key` (mode
//! 0600), so a restart does not sign everyone out; several nodes must share a configured key.
//! What a token says and how it is checked is `auth::tokens`'s.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use secrecy::ExposeSecret;

use crate::config::AuthSettings;

const MIN_SECRET_BYTES: usize = 32;
const LOCAL_KEY_FILE: &str = "jwt-key";

#[derive(Debug, thiserror::Error)]
pub enum JwtKeyError {
    #[error(
        "JIUZHU__AUTH__JWT_KEYS must be `kid:secret[,kid:secret...]` with distinct kids and secrets of at least {MIN_SECRET_BYTES} bytes: {0}"
    )]
    Keys(&'static str),
    #[error("cannot read or create the local token key file {path}: {source}. Set JIUZHU__AUTH__JWT_KEYS.")]
    LocalFile { path: String, source: std::io::Error },
}

/// HMAC keys by `kid`: one to sign with, all to verify with.
pub struct JwtKeys {
    signing_kid: String,
    signing_key: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
}

impl JwtKeys {
    /// The configured keys, or the local key kept in `data_dir` when none is configured.
    pub fn from_settings(settings: &AuthSettings, data_dir: &Path) -> Result<Self, JwtKeyError> {
        let keys = match &settings.jwt_keys {
            Some(keys) => parse_keys(keys.expose_secret())?,
            None => local_key(data_dir)?,
        };
        let (signing_kid, signing_secret) = keys.first().cloned().ok_or(JwtKeyError::Keys("no key"))?;
        Ok(Self {
            signing_key: EncodingKey::from_secret(&signing_secret),
            signing_kid,
            verifying: keys.iter().map(|(kid, secret)| (kid.clone(), DecodingKey::from_secret(secret))).collect(),
        })
    }

    /// The key new tokens are signed with, and its `kid`.
    pub fn signing(&self) -> (&str, &EncodingKey) {
        (&self.signing_kid, &self.signing_key)
    }

    /// The key that verifies tokens signed under `kid`, if it is one of ours.
    pub fn verifying(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifying.get(kid)
    }
}

/// The key kept in `<data_dir>/jwt-key`, made on first use (`local:<48 random bytes, base64>`).
fn local_key(data_dir: &Path) -> Result<Vec<(String, Vec<u8>)>, JwtKeyError> {
    let path = data_dir.join(LOCAL_KEY_FILE);
    let local_error = |source| JwtKeyError::LocalFile { path: path.display().to_string(), source };
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

fn parse_keys(raw: &str) -> Result<Vec<(String, Vec<u8>)>, JwtKeyError> {
    let mut keys: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kid, secret) = entry.split_once(':').ok_or(JwtKeyError::Keys("an entry has no `kid:`"))?;
        let kid = kid.trim();
        if kid.is_empty() || keys.iter().any(|(k, _)| k == kid) {
            return Err(JwtKeyError::Keys("empty or repeated kid"));
        }
        if secret.len() < MIN_SECRET_BYTES {
            return Err(JwtKeyError::Keys("a secret is too short"));
        }
        keys.push((kid.to_owned(), secret.as_bytes().to_vec()));
    }
    if keys.is_empty() {
        return Err(JwtKeyError::Keys("no key"));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "k1:0123456789abcdef0123456789abcdef";

    #[test]
    fn weak_or_malformed_keys_stop_start_up() {
        for keys in ["", "k1", "k1:short", &format!("{K1},{K1}")] {
            let settings = AuthSettings { jwt_keys: Some(keys.into()), ..AuthSettings::default() };
            assert!(JwtKeys::from_settings(&settings, Path::new("/nonexistent")).is_err(), "{keys:?}");
        }
    }

    #[test]
    fn the_first_key_signs_and_every_key_verifies() {
        let keys = "k2:fedcba9876543210fedcba9876543210, k1:0123456789abcdef0123456789abcdef";
        let settings = AuthSettings { jwt_keys: Some(keys.into()), ..AuthSettings::default() };
        let keys = JwtKeys::from_settings(&settings, Path::new("/nonexistent")).unwrap();
        assert_eq!(keys.signing().0, "k2");
        assert!(keys.verifying("k1").is_some() && keys.verifying("k2").is_some());
        assert!(keys.verifying("k3").is_none());
    }
}
