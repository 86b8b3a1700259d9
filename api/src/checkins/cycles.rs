//! A recipient's check-in schedule: one `checkin_cycles` row per period. The next period is
//! created when a recipient starts (in the approval's transaction), when a period is done or
//! missed, and by the scan for any active recipient without one (e.g. after a schedule is added
//! to the configuration).

use chrono::{Duration, Months, NaiveDate, Utc};
use entity::{checkin_cycle, recipient};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::config::{CheckinSchedule, CheckinSettings};

pub const PENDING: &str = "pending";
pub const DONE: &str = "done";
pub const MISSED: &str = "missed";

/// When a period's check-in can be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub due: NaiveDate,
    pub opens: NaiveDate,
    pub closes: NaiveDate,
}

impl Window {
    pub fn of(schedule: &CheckinSchedule, due: NaiveDate) -> Self {
        Self {
            due,
            opens: due - Duration::days(i64::from(schedule.opens_days_before)),
            closes: due + Duration::days(i64::from(schedule.grace_days)),
        }
    }
}

/// The first due date after `after` (counted from `start` in whole periods, so month ends do not
/// drift) whose window has not closed by `today`.
pub fn next_due(
    schedule: &CheckinSchedule,
    start: NaiveDate,
    after: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let period = schedule.period_months.max(1);
    (1..=1200u32).find_map(|k| {
        let due = start.checked_add_months(Months::new(period.checked_mul(k)?))?;
        let later = after.is_none_or(|a| due > a);
        (later && Window::of(schedule, due).closes >= today).then_some(due)
    })
}

/// Opens the recipient's next period, unless one is pending already or the item has no schedule.
pub async fn schedule_next(
    db: &impl ConnectionTrait,
    settings: &CheckinSettings,
    recipient: &recipient::Model,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, DbErr> {
    let Some(schedule) = settings.schedules.get(&recipient.item_code) else { return Ok(None) };
    let latest = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::RecipientId.eq(recipient.id))
        .order_by_desc(checkin_cycle::Column::DueDate)
        .one(db)
        .await?;
    if latest.as_ref().is_some_and(|c| c.status == PENDING) {
        return Ok(None);
    }
    let Some(due) = next_due(schedule, recipient.start_date, latest.map(|c| c.due_date), today) else {
        return Ok(None);
    };
    let window = Window::of(schedule, due);
    let row = checkin_cycle::ActiveModel {
        id: Set(Uuid::now_v7()),
        recipient_id: Set(recipient.id),
        subject_index: Set(recipient.subject_index.clone()),
        due_date: Set(due),
        opens_on: Set(window.opens),
        closes_on: Set(window.closes),
        status: Set(PENDING.to_owned()),
        done_at: Set(None),
        done_mode: Set(None),
        checkin_id: Set(None),
        failed_attempts: Set(0),
        reminded_at: Set(None),
        community_code: Set(recipient.community_code.clone()),
        township_code: Set(recipient.township_code.clone()),
        district_code: Set(recipient.district_code.clone()),
        created_at: Set(Utc::now()),
    };
    checkin_cycle::Entity::insert(row)
        .on_conflict_do_nothing_on([checkin_cycle::Column::RecipientId, checkin_cycle::Column::DueDate])
        .exec_without_returning(db)
        .await?;
    Ok(Some(due))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const QUARTERLY: CheckinSchedule = CheckinSchedule { period_months: 3, opens_days_before: 15, grace_days: 15 };

    #[test]
    fn periods_count_from_the_start_and_month_ends_do_not_drift() {
        let start = day("2026-11-30");
        let first = next_due(&QUARTERLY, start, None, start).unwrap();
        assert_eq!(first, day("2027-02-28"));
        let second = next_due(&QUARTERLY, start, Some(first), start).unwrap();
        assert_eq!(second, day("2027-05-30"), "counted from the start, not from 02-28");
        let window = Window::of(&QUARTERLY, first);
        assert_eq!((window.opens, window.closes), (day("2027-02-13"), day("2027-03-15")));
    }

    #[test]
    fn a_recipient_scheduled_late_starts_with_a_period_still_open() {
        let start = day("2025-01-10");
        let due = next_due(&QUARTERLY, start, None, day("2026-12-02")).unwrap();
        assert_eq!(due, day("2027-01-10"), "2026-10-10 closed on 10-25; the next one");
        assert_eq!(next_due(&QUARTERLY, start, None, day("2026-10-20")), Some(day("2026-10-10")));
    }
}
