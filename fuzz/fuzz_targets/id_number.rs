//! ID numbers as typed on a phone: parsed or refused, never a panic; an accepted number masks to
//! 18 characters and its birth date is not in the future.
#![no_main]

use api::pii::id_number::IdNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    if let Ok(id) = IdNumber::parse(raw, today) {
        assert_eq!(id.masked().len(), 18);
        assert!(id.birth_date() <= today);
        assert!(!format!("{id:?}").contains(&id.expose()[6..14]));
    }
});
