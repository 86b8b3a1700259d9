//! Encryption at rest for personal data such as ID numbers: AES-256-GCM with a random nonce per
//! value and the purpose as associated data (a ciphertext moved to another column does not open),
//! the key id stored beside each value so keys can rotate (the first key seals, all open), and an
//! HMAC-SHA256 blind index for equality look-ups without decrypting.
//!
//! Keys come from `pii.keys` / `pii.index_key`. Without them (a bare `cargo run`) keys are made
//! once and kept in `<data_dir>/pii-keys` (mode 0600), so local data survives restarts; several
//! nodes must share configured keys.

use std::collections::HashMap;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::config::PiiSettings;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;
const LOCAL_KEY_FILE: &str = "pii-keys";

#[derive(Debug, thiserror::Error)]
pub enum PiiConfigError {
    #[error(
        "JIUZHU__PII__KEYS must be `kid:base64[,kid:base64...]` with distinct kids and 32-byte keys, and \
         JIUZHU__PII__INDEX_KEY base64 of 32 bytes; set both or neither: {0}"
    )]
    Keys(&'static str),
    #[error(
        "cannot read or create the local key file {path}: {source}. Set JIUZHU__PII__KEYS and JIUZHU__PII__INDEX_KEY."
    )]
    LocalFile { path: String, source: std::io::Error },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CipherError {
    #[error("no key with id {0}")]
    UnknownKey(String),
    #[error("the value does not open with its key (tampered, moved or wrong purpose)")]
    Open,
    #[error("the random source failed")]
    Random,
}

/// A sealed value as stored: the key id and `nonce || ciphertext || tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub blob: Vec<u8>,
}

pub struct PiiCipher {
    current: String,
    keys: HashMap<String, Aes256Gcm>,
    index_key: Vec<u8>,
}

impl PiiCipher {
    pub fn from_settings(settings: &PiiSettings, data_dir: &Path) -> Result<Self, PiiConfigError> {
        match (&settings.keys, &settings.index_key) {
            (Some(keys), Some(index)) => Self::from_text(keys.expose_secret(), index.expose_secret()),
            (None, None) => Self::local(data_dir),
            _ => Err(PiiConfigError::Keys("only one of the two is set")),
        }
    }

    fn from_text(keys: &str, index: &str) -> Result<Self, PiiConfigError> {
        let mut parsed: Vec<(String, Aes256Gcm)> = Vec::new();
        for entry in keys.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kid, key) = entry.split_once(':').ok_or(PiiConfigError::Keys("an entry has no `kid:`"))?;
            let kid = kid.trim();
            if kid.is_empty() || kid.len() > 16 || parsed.iter().any(|(k, _)| k == kid) {
                return Err(PiiConfigError::Keys("empty, long or repeated kid"));
            }
            let bytes = decode_key(key)?;
            let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| PiiConfigError::Keys("bad key length"))?;
            parsed.push((kid.to_owned(), cipher));
        }
        let current = parsed.first().map(|(kid, _)| kid.clone()).ok_or(PiiConfigError::Keys("no key"))?;
        Ok(Self { current, keys: parsed.into_iter().collect(), index_key: decode_key(index)? })
    }

    /// Keys kept in `<data_dir>/pii-keys`, made on first use.
    fn local(data_dir: &Path) -> Result<Self, PiiConfigError> {
        let path = data_dir.join(LOCAL_KEY_FILE);
        let local_error = |source| PiiConfigError::LocalFile { path: path.display().to_string(), source };
        let text = crate::local_key::read_or_create(&path, || {
            let bytes = crate::local_key::random_bytes(2 * KEY_BYTES)?;
            Ok(format!("local:{}\n{}\n", STANDARD.encode(&bytes[..KEY_BYTES]), STANDARD.encode(&bytes[KEY_BYTES..])))
        })
        .map_err(local_error)?;
        tracing::warn!(
            path = %path.display(),
            "JIUZHU__PII__KEYS is not set: personal data is encrypted with keys kept in a local file. \
             Fine for one machine; production and several nodes must set JIUZHU__PII__KEYS and JIUZHU__PII__INDEX_KEY."
        );
        let mut lines = text.lines();
        let (keys, index) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
        Self::from_text(keys, index)
    }

    /// Encrypts `plain` for `purpose` (e.g. `member.id_number`) with the current key.
    pub fn seal(&self, purpose: &str, plain: &str) -> Result<Sealed, CipherError> {
        let cipher = self.keys.get(&self.current).ok_or_else(|| CipherError::UnknownKey(self.current.clone()))?;
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| CipherError::Random)?;
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain.as_bytes(), aad: purpose.as_bytes() })
            .map_err(|_| CipherError::Open)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        Ok(Sealed { key_id: self.current.clone(), blob })
    }

    /// Decrypts a value sealed for `purpose` with any configured key.
    pub fn open(&self, purpose: &str, sealed: &Sealed) -> Result<String, CipherError> {
        let cipher = self.keys.get(&sealed.key_id).ok_or_else(|| CipherError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.blob.len() < NONCE_BYTES {
            return Err(CipherError::Open);
        }
        let (nonce, body) = sealed.blob.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CipherError::Open)?;
        let plain = cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: body, aad: purpose.as_bytes() })
            .map_err(|_| CipherError::Open)?;
        String::from_utf8(plain).map_err(|_| CipherError::Open)
    }

    /// A keyed hash of `plain` for `purpose`, hex: equal inputs match, nothing can be read back.
    pub fn blind_index(&self, purpose: &str, plain: &str) -> String {
        crate::hex::encode(&self.mac(purpose, plain.as_bytes()))
    }

    /// HMAC-SHA256 of `data` under the index key, separated by `purpose`; also signs QR tokens.
    /// The blind index of many values for one purpose, keyed once and movable to another thread
    /// (a department file's records are indexed on the blocking pool as they are read).
    pub fn indexer(&self, purpose: &str) -> BlindIndexer {
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key).ok().map(|mut mac| {
            mac.update(purpose.as_bytes());
            mac.update(&[0]);
            mac
        });
        BlindIndexer { keyed }
    }

    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key) else {
            // HMAC takes keys of any length; this branch cannot be reached.
            return [0; 32];
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

/// [`PiiCipher::blind_index`] for one purpose, the key already in place.
#[derive(Clone)]
pub struct BlindIndexer {
    /// HMAC takes keys of any length, so this is always set.
    keyed: Option<Hmac<Sha256>>,
}

impl BlindIndexer {
    pub fn index(&self, plain: &str) -> String {
        let digest: [u8; 32] = self.keyed.clone().map_or([0; 32], |mut mac| {
            mac.update(plain.as_bytes());
            mac.finalize().into_bytes().into()
        });
        crate::hex::encode(&digest)
    }
}

fn decode_key(text: &str) -> Result<Vec<u8>, PiiConfigError> {
    let bytes = STANDARD.decode(text.trim()).map_err(|_| PiiConfigError::Keys("a key is not base64"))?;
    if bytes.len() != KEY_BYTES {
        return Err(PiiConfigError::Keys("a key is not 32 bytes"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> String {
        STANDARD.encode([byte; KEY_BYTES])
    }

    fn cipher(keys: &str) -> PiiCipher {
        PiiCipher::from_text(keys, &key(9)).unwrap()
    }

    #[test]
    fn sealed_values_open_only_for_their_purpose_and_key() {
        let c = cipher(&format!("k1:{}", key(1)));
        let sealed = c.seal("member.id_number", "11010519491231002X").unwrap();
        assert!(!String::from_utf8_lossy(&sealed.blob).contains("1101051949"));
        assert_eq!(c.open("member.id_number", &sealed).unwrap(), "11010519491231002X");
        assert_eq!(c.open("member.phone", &sealed), Err(CipherError::Open), "purpose is bound");
        let mut tampered = sealed.clone();
        let last = tampered.blob.len() - 1;
        tampered.blob[last] ^= 1;
        assert_eq!(c.open("member.id_number", &tampered), Err(CipherError::Open));
        assert_ne!(c.seal("p", "x").unwrap().blob, c.seal("p", "x").unwrap().blob, "a fresh nonce each time");
    }

    #[test]
    fn rotation_seals_with_the_first_key_and_opens_with_all() {
        let old = cipher(&format!("k1:{}", key(1)));
        let sealed = old.seal("p", "secret").unwrap();
        let rotated = cipher(&format!("k2:{},k1:{}", key(2), key(1)));
        assert_eq!(rotated.open("p", &sealed).unwrap(), "secret");
        assert_eq!(rotated.seal("p", "new").unwrap().key_id, "k2");
        assert_eq!(cipher(&format!("k2:{}", key(2))).open("p", &sealed), Err(CipherError::UnknownKey("k1".into())));
    }

    #[test]
    fn the_blind_index_matches_equal_values_only() {
        let c = cipher(&format!("k1:{}", key(1)));
        let a = c.blind_index("member.id_number", "11010519491231002X");
        assert_eq!(a, c.blind_index("member.id_number", "11010519491231002X"));
        assert_ne!(a, c.blind_index("member.id_number", "110105194912310037"));
        assert_ne!(a, c.blind_index("other", "11010519491231002X"));
        assert_eq!(a.len(), 64);
        let indexer = c.indexer("member.id_number");
        assert_eq!(indexer.index("11010519491231002X"), a, "the indexer gives the same index");
        assert_eq!(indexer.index("11010519491231002X"), a, "and again");
    }

    #[test]
    fn bad_settings_are_refused_and_local_keys_persist() {
        for keys in ["", "k1", &format!("k1:{}", STANDARD.encode([1u8; 16])), &format!("k1:{0},k1:{0}", key(1))] {
            assert!(PiiCipher::from_text(keys, &key(9)).is_err(), "{keys}");
        }
        let half = PiiSettings { keys: Some(format!("k1:{}", key(1)).into()), index_key: None };
        assert!(PiiCipher::from_settings(&half, Path::new("/nonexistent")).is_err());
        let dir = std::env::temp_dir().join(format!("jiuzhu-pii-{}", uuid::Uuid::new_v4().simple()));
        let first = PiiCipher::from_settings(&PiiSettings::default(), &dir).unwrap();
        let sealed = first.seal("p", "kept").unwrap();
        let second = PiiCipher::from_settings(&PiiSettings::default(), &dir).unwrap();
        assert_eq!(second.open("p", &sealed).unwrap(), "kept", "the same local keys after a restart");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
