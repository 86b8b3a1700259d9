//! Region codes: a GB/T 2260 district code (6 digits), extended by 3 digits for a township and 3
//! more for a community, as in the national statistical division codes. A child's code starts with
//! its parent's, so "inside" is a prefix test and the parent follows from the code itself.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The three levels below the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 区县
    District,
    /// 镇街
    Township,
    /// 村社
    Community,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Township => "township",
            Self::Community => "community",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::District, Self::Township, Self::Community].into_iter().find(|level| level.as_str() == raw)
    }

    fn code_len(self) -> usize {
        match self {
            Self::District => 6,
            Self::Township => 9,
            Self::Community => 12,
        }
    }
}

/// A valid region code. Construct with `parse`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

/// Why a string is not a region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("a region code has 6 (district), 9 (township) or 12 (community) digits")]
    Shape,
    #[error("the first two digits are not a province code")]
    Province,
    #[error("a part of the code is all zeros")]
    ZeroPart,
}

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, RegionCodeError> {
        if !matches!(raw.len(), 6 | 9 | 12) || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionCodeError::Shape);
        }
        // GB/T 2260 provinces run from 11 (Beijing) to 82 (Macao).
        if !(11..=82).contains(&raw[..2].parse::<u8>().map_err(|_| RegionCodeError::Shape)?) {
            return Err(RegionCodeError::Province);
        }
        // `xx xx 00` is a prefecture, not a district; `000` is no township or community.
        let parts = [&raw[4..6], raw.get(6..9).unwrap_or("1"), raw.get(9..12).unwrap_or("1")];
        if parts.iter().any(|part| part.bytes().all(|b| b == b'0')) {
            return Err(RegionCodeError::ZeroPart);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            6 => RegionLevel::District,
            9 => RegionLevel::Township,
            _ => RegionLevel::Community,
        }
    }

    /// The region this one lies in, `None` for a district.
    pub fn parent(&self) -> Option<Self> {
        match self.level() {
            RegionLevel::District => None,
            RegionLevel::Township => Some(Self(self.0[..6].to_owned())),
            RegionLevel::Community => Some(Self(self.0[..9].to_owned())),
        }
    }

    /// Whether `other` is this region or lies inside it.
    pub fn contains(&self, other: &Self) -> bool {
        other.0.starts_with(&self.0)
    }

    /// Whether this code has the length of `level`.
    pub fn is_level(&self, level: RegionLevel) -> bool {
        self.0.len() == level.code_len()
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_length() {
        let district = RegionCode::parse("500116").unwrap();
        let township = RegionCode::parse("500116001").unwrap();
        let community = RegionCode::parse("500116001002").unwrap();
        assert_eq!(
            (district.level(), township.level(), community.level()),
            (RegionLevel::District, RegionLevel::Township, RegionLevel::Community)
        );
        assert_eq!(community.parent(), Some(township.clone()));
        assert_eq!(township.parent(), Some(district.clone()));
        assert_eq!(district.parent(), None);
        assert!(district.contains(&community) && township.contains(&community) && community.contains(&community));
        assert!(!community.contains(&township));
        assert!(!RegionCode::parse("500117").unwrap().contains(&community));
    }

    #[test]
    fn malformed_codes_are_refused() {
        for (raw, err) in [
            ("", RegionCodeError::Shape),
            ("50011", RegionCodeError::Shape),
            ("5001160011", RegionCodeError::Shape),
            ("50011a", RegionCodeError::Shape),
            ("５００１１６", RegionCodeError::Shape),
            ("990116", RegionCodeError::Province),
            ("500100", RegionCodeError::ZeroPart),
            ("500116000", RegionCodeError::ZeroPart),
            ("500116001000", RegionCodeError::ZeroPart),
        ] {
            assert_eq!(RegionCode::parse(raw), Err(err), "{raw:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_is_refused_and_parents_contain_children(raw in "\\PC{0,14}|[0-9]{6,12}") {
            if let Ok(code) = RegionCode::parse(&raw) {
                proptest::prop_assert!(code.is_level(code.level()));
                if let Some(parent) = code.parent() {
                    proptest::prop_assert!(parent.contains(&code));
                    proptest::prop_assert!(RegionCode::parse(parent.as_str()).is_ok());
                }
            }
        }
    }
}
