//! Loading the calendar for a span of dates, and replacing one year of it.

use chrono::{Datelike, NaiveDate};
use entity::work_day;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::WorkCalendar;
use super::model::{CalendarDay, CalendarYear, CalendarYearOut};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::uow::UnitOfWork;

const HOLIDAY: &str = "holiday";
const WORKDAY: &str = "workday";

/// The calendar from `from` for `span_days` days (deadlines reach a few months ahead).
pub async fn load(db: &impl ConnectionTrait, from: NaiveDate, span_days: i64) -> Result<WorkCalendar, ApiError> {
    let to = from + chrono::Duration::days(span_days);
    let rows = work_day::Entity::find()
        .filter(work_day::Column::Day.between(from - chrono::Duration::days(1), to))
        .all(db)
        .await?;
    Ok(WorkCalendar::new(rows.into_iter().map(|r| (r.day, r.kind == WORKDAY))))
}

/// The calendar around `day`: a year back (processing times) and a year ahead (deadlines).
pub async fn around(db: &impl ConnectionTrait, day: NaiveDate) -> Result<WorkCalendar, ApiError> {
    load(db, day - chrono::Duration::days(400), 800).await
}

pub async fn get_year(db: &DatabaseConnection, year: i32) -> Result<CalendarYearOut, ApiError> {
    let (first, last) = bounds(year)?;
    let rows = work_day::Entity::find()
        .filter(work_day::Column::Day.between(first, last))
        .order_by_asc(work_day::Column::Day)
        .all(db)
        .await?;
    let calendar = WorkCalendar::new(rows.iter().map(|r| (r.day, r.kind == WORKDAY)));
    let (holidays, workdays): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.kind == HOLIDAY);
    let days =
        |rows: Vec<work_day::Model>| rows.into_iter().map(|r| CalendarDay { date: r.day, name: r.name }).collect();
    let working_days = calendar.working_days_between(first - chrono::Duration::days(1), last);
    Ok(CalendarYearOut { year, holidays: days(holidays), workdays: days(workdays), working_days })
}

/// Replaces the year's exceptions in one transaction.
pub async fn put_year(db: &DatabaseConnection, year: i32, input: CalendarYear) -> Result<CalendarYearOut, ApiError> {
    validate(year, &input)?;
    let (first, last) = bounds(year)?;
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    work_day::Entity::delete_many().filter(work_day::Column::Day.between(first, last)).exec(txn).await?;
    let rows: Vec<work_day::ActiveModel> = input
        .holidays
        .iter()
        .map(|d| (d, HOLIDAY))
        .chain(input.workdays.iter().map(|d| (d, WORKDAY)))
        .map(|(d, kind)| work_day::ActiveModel {
            day: sea_orm::Set(d.date),
            kind: sea_orm::Set(kind.to_owned()),
            name: sea_orm::Set(d.name.trim().to_owned()),
        })
        .collect();
    if !rows.is_empty() {
        work_day::Entity::insert_many(rows).exec(txn).await?;
    }
    uow.commit(&()).await?;
    get_year(db, year).await
}

fn bounds(year: i32) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let bad = || ApiError::new(ErrorCode::InvalidPath);
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    Ok((first, last))
}

fn validate(year: i32, input: &CalendarYear) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let lists = [("holidays", &input.holidays), ("workdays", &input.workdays)];
    for (field, days) in lists {
        for (i, day) in days.iter().enumerate() {
            let at = format!("{field}[{i}]");
            if day.date.year() != year {
                errors.push(FieldError::new(
                    format!("{at}.date"),
                    FieldCode::OutOfRange,
                    Message::new(format!("日期不在{year}年内"), format!("The date is not in {year}")),
                ));
            }
            if !seen.insert(day.date) {
                errors.push(FieldError::new(
                    format!("{at}.date"),
                    FieldCode::Duplicate,
                    Message::new("同一日期只能出现一次", "A date may appear once only"),
                ));
            }
            if field == "workdays" && day.date.weekday().num_days_from_monday() < 5 {
                errors.push(FieldError::new(
                    format!("{at}.date"),
                    FieldCode::NotAWeekend,
                    Message::new("调休上班日应为周六或周日", "A make-up workday falls on a weekend"),
                ));
            }
            let name = day.name.trim();
            if name.is_empty() || name.chars().count() > 32 {
                errors.push(FieldError::new(
                    format!("{at}.name"),
                    FieldCode::InvalidText,
                    Message::new("请填写1至32个字的名称,如\u{201c}国庆节\u{201d}", "Give a name of 1 to 32 characters"),
                ));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::new(ErrorCode::ValidationFailed).with_errors(errors)) }
}
