//! Resident ID numbers (公民身份号码, GB 11643-1999): 6 digits of the issuing region, the birth date
//! `YYYYMMDD`, 3 sequence digits (odd for men) and a check character (ISO 7064 MOD 11-2, `0`-`9` or
//! `X`). An `IdNumber` never prints itself: `Debug` shows the masked form, and only `expose` gives
//! the digits, for encryption and the blind index.

use std::fmt;

use chrono::NaiveDate;

use crate::error::{FieldCode, FieldError, Message};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// Why a string is not an ID number; each has its own message for the person typing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an ID number has 17 digits and a final digit or X")]
    Shape,
    #[error("the birth date in the ID number is not a date")]
    BirthDate,
    #[error("the birth date in the ID number is in the future")]
    FutureBirthDate,
    #[error("the check digit does not match")]
    Checksum,
}

impl IdNumber {
    /// Parses a number as typed (spaces around it and a lower-case `x` are accepted), checking the
    /// shape, the birth date against `today` and the check character.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let number = raw.trim().to_ascii_uppercase();
        let bytes = number.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Shape);
        }
        let birth = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d").map_err(|_| IdNumberError::BirthDate)?;
        if birth > today {
            return Err(IdNumberError::FutureBirthDate);
        }
        if birth < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(IdNumberError::BirthDate);
        }
        let sum: u32 = bytes[..17].iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        if CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(IdNumberError::Checksum);
        }
        Ok(Self(number))
    }

    /// The birth date written in the number.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or(NaiveDate::MIN)
    }

    /// Full years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date()).unwrap_or(0)
    }

    /// `500101********1234`: the region and the last four, as every response shows it.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The digits themselves: for the cipher and the blind index only, never for a log or a URL.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// The purpose a member's ID number is sealed and indexed under (`PiiCipher`).
pub const ID_PURPOSE: &str = "member.id_number";

/// The refusal of a mistyped ID number, on field `id_number`.
pub fn id_number_error(err: IdNumberError) -> FieldError {
    let (code, zh, en) = match err {
        IdNumberError::Shape => (
            FieldCode::InvalidIdNumber,
            "身份证号码应为 18 位,最后一位可以是数字或 X",
            "An ID number has 18 characters",
        ),
        IdNumberError::BirthDate => (
            FieldCode::InvalidIdNumber,
            "身份证号码中的出生日期不正确,请核对",
            "The birth date in the number is not valid",
        ),
        IdNumberError::FutureBirthDate => (
            FieldCode::FutureBirthDate,
            "身份证号码中的出生日期晚于今天,请核对",
            "The birth date in the number is in the future",
        ),
        IdNumberError::Checksum => (
            FieldCode::IdNumberChecksum,
            "身份证号码校验不通过,请逐位核对后重新输入",
            "The check digit does not match; check each digit",
        ),
    };
    FieldError::new("id_number", code, Message::new(zh, en))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    /// Appends the right check character to 17 digits.
    pub(crate) fn with_check(first17: &str) -> String {
        let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn valid_numbers_parse_and_mask() {
        let raw = with_check("50010119800101123");
        let id = IdNumber::parse(&format!(" {} ", raw.to_lowercase()), today()).unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1).unwrap());
        assert_eq!(id.age_on(today()), 46);
        assert_eq!(id.masked(), format!("500101********{}", &raw[14..]));
        assert!(!format!("{id:?}").contains(&raw[6..14]), "Debug never shows the birth date part");
        // The standard's own example.
        assert!(IdNumber::parse("11010519491231002X", today()).is_ok());
    }

    #[test]
    fn bad_numbers_say_why() {
        let valid = with_check("50010119800101123");
        let mut wrong_check = valid.clone();
        wrong_check.replace_range(17.., if valid.ends_with('0') { "1" } else { "0" });
        for (raw, err) in [
            ("", IdNumberError::Shape),
            ("50010119800101123", IdNumberError::Shape),
            ("5001011980010112X4", IdNumberError::Shape),
            (&with_check("50010119801301123"), IdNumberError::BirthDate),
            (&with_check("50010118991231123"), IdNumberError::BirthDate),
            (&with_check("50010120301231123"), IdNumberError::FutureBirthDate),
            (&wrong_check, IdNumberError::Checksum),
        ] {
            assert_eq!(IdNumber::parse(raw, today()), Err(err), "{raw}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_is_refused(raw in "\\PC{0,20}|[0-9]{17}[0-9X]") {
            if let Ok(id) = IdNumber::parse(&raw, today()) {
                proptest::prop_assert_eq!(id.masked().len(), 18);
                proptest::prop_assert!(id.birth_date() <= today());
            }
        }
    }
}
