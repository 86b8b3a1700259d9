//! Any string in `Authorization: Bearer …` is refused or accepted without panicking; only a token
//! signed with the configured key can pass.
#![no_main]

use std::sync::OnceLock;

use api::auth::tokens::TokenService;
use api::config::AuthSettings;
use api::infra::jwt_keys::JwtKeys;
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static (JwtKeys, AuthSettings) {
    static KEYS: OnceLock<(JwtKeys, AuthSettings)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let settings =
            AuthSettings { jwt_keys: Some("fuzz:0123456789abcdef0123456789abcdef".into()), ..AuthSettings::default() };
        let keys = JwtKeys::from_settings(&settings, std::path::Path::new("/nonexistent")).expect("valid key");
        (keys, settings)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let (keys, settings) = keys();
        let service = TokenService::new(keys, settings);
        assert!(service.verify_access(token).is_err(), "a forged token was accepted: {token}");
    }
});
