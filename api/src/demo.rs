//! The demo district's recipient whose check-in is due now, so the whole flow (sign in as a
//! resident, get the challenge, send the selfie) can be tried in the first minutes.
//!
//! The draft and its member go through the same services as the API (the ID number is encrypted
//! and blind-indexed as always); the approval is recorded as of three months ago less five days,
//! through the same outcome step a decision runs, so the first quarterly check-in falls due in
//! five days and its window is open today.

use chrono::{Datelike, Months, NaiveDate};
use entity::{application, application_item, recipient};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::applications::model::{ApplicationIn, HouseholdIn, MemberIn};
use crate::applications::{Lookups, ScopedApplication, members, number, service};
use crate::config::Settings;
use crate::error::ApiError;
use crate::pii::cipher::PiiCipher;
use crate::reviews::model::Outcome;
use crate::reviews::outcomes::{self, Final};
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Role;
use crate::vocab::{ItemStatus, Relation, Status};

/// The demo recipient signs in with the dev WeChat code `dev:laozhang`.
pub const RECIPIENT_CODE: &str = "dev:laozhang";
const OPENID: &str = "dev_laozhang";
const COMMUNITY: &str = "500199001001";
/// A valid GB 11643 number of the demo district (born 1948-05-12).
const ID_NUMBER: &str = "500199194805120012";
const MONTHLY_FEN: i64 = 78_000;

/// Makes the recipient unless the demo account already has one; true when made.
pub async fn recipient_due_now(db: &DatabaseConnection, settings: &Settings) -> Result<bool, ApiError> {
    let account = crate::auth::service::resident_account(db, OPENID, None).await?;
    let existing = recipient::Entity::find().filter(recipient::Column::SubjectAccountId.eq(account.id)).one(db).await?;
    if existing.is_some() {
        return Ok(false);
    }
    let cipher = PiiCipher::from_settings(&settings.pii, &settings.data_dir.0).map_err(ApiError::internal)?;
    let principal = Principal { account_id: account.id, role: Role::Resident, region: None };
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let draft = ApplicationIn {
        id: Uuid::now_v7(),
        community_code: COMMUNITY.to_owned(),
        service_point_id: None,
        items: vec!["dibao".to_owned()],
        contact_phone: None,
        household: HouseholdIn::default(),
        note: Some("演示数据:本季度生存状况验证已开放".to_owned()),
    };
    let (draft, _) = service::create(txn, &mut Lookups::default(), &principal, draft).await?;
    let scope = ScopedApplication::authorise(principal, draft)?;
    members::put(txn, &cipher, &scope, Uuid::now_v7(), applicant()).await?;
    let approved_on = approved_on(crate::calendar::today());
    let app = approve(txn, scope.application(), approved_on).await?;
    let done = Final {
        app: &app,
        item_code: "dibao",
        outcome: Outcome::Approved,
        amount_fen: Some(MONTHLY_FEN),
        reasons: &[],
        today: approved_on,
    };
    outcomes::record(txn, settings, done).await?;
    uow.commit(&()).await?;
    Ok(true)
}

fn applicant() -> MemberIn {
    MemberIn {
        name: "张德海".to_owned(),
        relation: Relation::Applicant,
        id_number: ID_NUMBER.to_owned(),
        monthly_income_fen: 0,
        disabled: false,
        severe_disability: false,
        severe_illness: false,
        student: false,
        unemployed: false,
    }
}

/// Three months less five days before `today`: the first quarterly check-in is due in five days.
fn approved_on(today: NaiveDate) -> NaiveDate {
    let three_months_ago = today.checked_sub_months(Months::new(3)).unwrap_or(today);
    three_months_ago + chrono::Duration::days(5)
}

/// Numbers the application and records the 低保 item approved on `on`.
async fn approve(
    txn: &sea_orm::DatabaseTransaction,
    app: &application::Model,
    on: NaiveDate,
) -> Result<application::Model, ApiError> {
    let number = number::next(txn, &app.district_code, on.year()).await?;
    let at = on.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
    application_item::Entity::update_many()
        .col_expr(application_item::Column::Status, Expr::value(ItemStatus::Approved.as_str()))
        .col_expr(application_item::Column::AmountFen, Expr::value(Some(MONTHLY_FEN)))
        .col_expr(application_item::Column::DecidedAt, Expr::value(Some(at)))
        .col_expr(application_item::Column::StartedOn, Expr::value(Some(on)))
        .col_expr(application_item::Column::OpenSubjectIndex, Expr::value(Option::<String>::None))
        .filter(application_item::Column::ApplicationId.eq(app.id))
        .exec(txn)
        .await?;
    application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(Status::Decided.as_str()))
        .col_expr(application::Column::Number, Expr::value(Some(number)))
        .col_expr(application::Column::SubmittedAt, Expr::value(Some(at)))
        .col_expr(application::Column::DecidedAt, Expr::value(Some(at)))
        .filter(application::Column::Id.eq(app.id))
        .exec_with_returning(txn)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("the demo application vanished"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_quarterly_check_in_falls_due_in_five_days() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let start = approved_on(today);
        assert_eq!(start, NaiveDate::from_ymd_opt(2026, 9, 8).unwrap());
        let quarterly = crate::config::CheckinSchedule { period_months: 3, opens_days_before: 15, grace_days: 15 };
        let due = crate::checkins::cycles::next_due(&quarterly, start, None, start).unwrap();
        assert_eq!(due, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        assert!(crate::checkins::cycles::Window::of(&quarterly, due).opens <= today);
    }

    #[test]
    fn the_demo_id_number_is_valid() {
        assert!(
            crate::pii::id_number::IdNumber::parse(ID_NUMBER, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()).is_ok()
        );
    }
}
