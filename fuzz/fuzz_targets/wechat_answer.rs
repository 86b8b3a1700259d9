//! Whatever WeChat (or something in its place) answers, the reading of it never panics.
#![no_main]

use api::infra::wechat::read_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    if let Ok(identity) = read_answer(status, body) {
        assert!(!identity.openid.is_empty() && identity.openid.len() <= 64);
    }
});
