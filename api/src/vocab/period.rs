//! Months as the figures count them: from midnight in China on the first to the next first.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A month: its first day and the next month's, and those days' midnights in China as UTC instants.
pub struct MonthBounds {
    pub first: NaiveDate,
    pub next: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A month that is not written `YYYY-MM` (422 `INVALID_MONTH` at the HTTP edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadMonth;

/// The month `YYYY-MM`.
pub fn month_bounds(month: &str) -> Result<MonthBounds, BadMonth> {
    let bad = || BadMonth;
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    if month.len() != 7 {
        return Err(bad());
    }
    let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
    let at = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc() - Duration::hours(8)).ok_or_else(bad);
    Ok(MonthBounds { first, next, from: at(first)?, to: at(next)? })
}

/// The nearest-rank 90th percentile of sorted values.
pub fn p90(sorted: &[i32]) -> Option<i32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * 9).div_ceil(10).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p90_is_the_nearest_rank() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[7]), Some(7));
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), Some(9));
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), Some(10));
    }

    #[test]
    fn months_are_china_time() {
        let MonthBounds { first, from, to, .. } = month_bounds("2026-11").unwrap();
        assert_eq!(first, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(from.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert!(month_bounds("2026-13").is_err());
        assert!(month_bounds("2026-1").is_err());
        assert!(month_bounds("nope").is_err());
    }
}
