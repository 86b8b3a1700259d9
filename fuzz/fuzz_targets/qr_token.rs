//! Anything a phone camera reads from a QR code: only a token made with the server's key passes.
#![no_main]

use std::sync::OnceLock;

use api::config::PiiSettings;
use api::pii::cipher::PiiCipher;
use api::service_points::token::verify;
use libfuzzer_sys::fuzz_target;

fn cipher() -> &'static PiiCipher {
    static CIPHER: OnceLock<PiiCipher> = OnceLock::new();
    CIPHER.get_or_init(|| {
        let settings = PiiSettings {
            keys: Some("k:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=".into()),
            index_key: Some("CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=".into()),
        };
        PiiCipher::from_settings(&settings, std::path::Path::new("/nonexistent")).expect("valid keys")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(verify(cipher(), text).is_none(), "a forged QR token passed: {text}");
    }
});
