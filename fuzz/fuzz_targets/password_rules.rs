//! The password rules on any text and username: an answer, never a panic.
#![no_main]

use api::auth::passwords::check_rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (password, username) = input;
    if check_rules("password", password, username).is_ok() {
        let chars = password.chars().count();
        assert!((10..=128).contains(&chars));
    }
});
