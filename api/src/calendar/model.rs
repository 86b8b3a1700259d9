use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A day that differs from the plain week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDay {
    #[schema(value_type = String, format = Date, example = "2026-10-01")]
    pub date: NaiveDate,
    /// What it is for, e.g. 国庆节 or 国庆节调休.
    #[schema(example = "国庆节")]
    pub name: String,
}

/// One year's public holidays and make-up workdays, as the State Council publishes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    /// Days off that fall on weekdays (weekend holidays may be listed too).
    pub holidays: Vec<CalendarDay>,
    /// Weekend days worked instead (调休上班).
    pub workdays: Vec<CalendarDay>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearOut {
    pub year: i32,
    pub holidays: Vec<CalendarDay>,
    pub workdays: Vec<CalendarDay>,
    /// Working days in the year under this calendar.
    pub working_days: i32,
}
