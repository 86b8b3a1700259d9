//! Every JSON request body type through the one JSON parser: a value or a 4xx, never a panic.
#![no_main]

use api::accounts::model::{PasswordChangeIn, StaffIn, StaffPatch};
use api::applications::model::{ApplicationIn, ApplicationUpdateIn, MemberIn, RevealIn};
use api::authorizations::model::{AuthorizationIn, RevokeIn};
use api::documents::model::ReuseIn;
use api::precheck::model::{PrecheckIn, RuleSetIn};
use api::auth::model::{PasswordSignInIn, RefreshIn, WechatSignInIn};
use api::http::json::parse;
use api::regions::model::RegionIn;
use libfuzzer_sys::fuzz_target;

fn check<T: serde::de::DeserializeOwned>(data: &[u8]) {
    if let Err(err) = parse::<T>(data) {
        assert!((400..500).contains(&err.code().status()), "{err}");
    }
}

fuzz_target!(|data: &[u8]| {
    check::<WechatSignInIn>(data);
    check::<PasswordSignInIn>(data);
    check::<RefreshIn>(data);
    check::<StaffIn>(data);
    check::<StaffPatch>(data);
    check::<PasswordChangeIn>(data);
    check::<RegionIn>(data);
    check::<PrecheckIn>(data);
    check::<RuleSetIn>(data);
    check::<ApplicationIn>(data);
    check::<ApplicationUpdateIn>(data);
    check::<MemberIn>(data);
    check::<RevealIn>(data);
    check::<AuthorizationIn>(data);
    check::<RevokeIn>(data);
    check::<ReuseIn>(data);
});
