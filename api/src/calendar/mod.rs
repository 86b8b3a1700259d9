//! The working-day calendar: Monday to Friday, minus public holidays, plus the weekend days
//! worked instead (调休), loaded per year. Deadlines of aid items count in these days.

pub(crate) mod model;
pub(crate) mod routes;
pub mod service;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

/// The exceptions to the week that matter for a span of dates.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// true: a weekend day worked; false: a weekday off.
    exceptions: HashMap<NaiveDate, bool>,
}

impl WorkCalendar {
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, bool)>) -> Self {
        Self { exceptions: exceptions.into_iter().collect() }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.exceptions.get(&day).copied().unwrap_or(day.weekday().num_days_from_monday() < 5)
    }

    /// `start` plus `days` working days (the first counted day is the one after `start`).
    pub fn add_working_days(&self, start: NaiveDate, days: i32) -> NaiveDate {
        let mut date = start;
        let mut left = days.max(0);
        while left > 0 {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// Today in China Standard Time, the day deadlines count in.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Three quarters of `limit` working days, rounded up: from then on an item is in warning.
pub fn warning_after(limit: i32) -> i32 {
    (limit * 3 + 3) / 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn plain_weeks_skip_weekends() {
        let week = WorkCalendar::default();
        let friday = day(2026, 11, 20);
        assert_eq!(week.add_working_days(friday, 1), day(2026, 11, 23));
        assert_eq!(week.add_working_days(friday, 15), day(2026, 12, 11));
        assert_eq!(week.add_working_days(friday, 0), friday);
        assert_eq!(week.working_days_between(friday, day(2026, 11, 23)), 1);
    }

    #[test]
    fn national_day_and_its_make_up_saturday() {
        // 2026: 1-7 October off, Saturday 10 October worked.
        let holidays = (1..=7).map(|d| (day(2026, 10, d), false));
        let calendar = WorkCalendar::new(holidays.chain([(day(2026, 10, 10), true)]));
        let before = day(2026, 9, 30);
        assert_eq!(calendar.add_working_days(before, 1), day(2026, 10, 8));
        assert_eq!(calendar.add_working_days(before, 3), day(2026, 10, 10));
        assert_eq!(calendar.working_days_between(before, day(2026, 10, 12)), 4);
    }

    #[test]
    fn warnings_start_at_three_quarters() {
        assert_eq!(warning_after(15), 12);
        assert_eq!(warning_after(10), 8);
        assert_eq!(warning_after(20), 15);
    }
}
