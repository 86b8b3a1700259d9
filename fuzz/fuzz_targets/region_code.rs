//! Region codes from paths, queries and bodies: never a panic, and every accepted code has a
//! consistent level and a parent that contains it.
#![no_main]

use api::vocab::RegionCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    if let Ok(code) = RegionCode::parse(raw) {
        assert_eq!(code.as_str(), raw);
        assert!(code.is_level(code.level()));
        if let Some(parent) = code.parent() {
            assert!(parent.contains(&code) && !code.contains(&parent));
            assert!(RegionCode::parse(parent.as_str()).is_ok(), "a valid code has a valid parent");
        }
    }
});
