//! The token a service point's QR code carries: `JZSP1.` and base64url of the point's id and a
//! 128-bit HMAC of it under the server's index key. Unguessable and unforgeable without the key, so
//! a forged or damaged code is refused before the database is asked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::pii::cipher::PiiCipher;

pub const PREFIX: &str = "JZSP1.";
const PURPOSE: &str = "service_point.qr";
const MAC_BYTES: usize = 16;

pub fn issue(cipher: &PiiCipher, id: Uuid) -> String {
    let mut bytes = id.as_bytes().to_vec();
    bytes.extend_from_slice(&cipher.mac(PURPOSE, id.as_bytes())[..MAC_BYTES]);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The service point a token names, if the token is genuine.
pub fn verify(cipher: &PiiCipher, token: &str) -> Option<Uuid> {
    let body = token.trim().strip_prefix(PREFIX)?;
    if body.len() > 64 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
    if bytes.len() != 16 + MAC_BYTES {
        return None;
    }
    let (id, mac) = bytes.split_at(16);
    let expected = cipher.mac(PURPOSE, id);
    // Constant time: no early exit on the first differing byte.
    let diff = mac.iter().zip(&expected[..MAC_BYTES]).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return None;
    }
    Uuid::from_slice(id).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PiiSettings;

    fn cipher(index_byte: u8) -> PiiCipher {
        use base64::engine::general_purpose::STANDARD;
        let settings = PiiSettings {
            keys: Some(format!("k:{}", STANDARD.encode([1u8; 32])).into()),
            index_key: Some(STANDARD.encode([index_byte; 32]).into()),
        };
        PiiCipher::from_settings(&settings, std::path::Path::new("/nonexistent")).unwrap()
    }

    #[test]
    fn genuine_tokens_verify_and_forged_ones_do_not() {
        let id = Uuid::new_v4();
        let token = issue(&cipher(9), id);
        assert!(token.starts_with(PREFIX) && token.len() < 60, "{token}");
        assert_eq!(verify(&cipher(9), &token), Some(id));
        assert_eq!(verify(&cipher(8), &token), None, "another server's key");
        let mut bytes = URL_SAFE_NO_PAD.decode(&token[PREFIX.len()..]).unwrap();
        bytes[0] ^= 1;
        assert_eq!(verify(&cipher(9), &format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(&bytes))), None, "another id");
        for junk in ["", "JZSP1.", "JZSP1.!!!", &id.to_string(), "https://example.com/?x=1"] {
            assert_eq!(verify(&cipher(9), junk), None, "{junk}");
        }
    }
}
