//! Any string in `Authorization: Bearer …` is refused or accepted without panicking; only a token
//! signed with the configured key can pass.
#![no_main]

use std::sync::OnceLock;

use api::auth::tokens::TokenService;
use api::config::AuthSettings;
use libfuzzer_sys::fuzz_target;

fn service() -> &'static TokenService {
    static SERVICE: OnceLock<TokenService> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let settings =
            AuthSettings { jwt_keys: Some("fuzz:0123456789abcdef0123456789abcdef".into()), ..AuthSettings::default() };
        TokenService::from_settings(&settings, std::path::Path::new("/nonexistent")).expect("valid key")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        assert!(service().verify_access(token).is_err(), "a forged token was accepted: {token}");
    }
});
