//! What a final decision on an item sets going, in its transaction: an approved item is checked
//! against the household's ledger once more (aid granted since the submit is flagged) and makes the
//! applicant a recipient (check-ins are scheduled from this); a rejected one puts them in the
//! low-income monitoring pool with the reason and a date to look again, frees their "one open
//! application per item" slot, and a share of rejections goes to the district for a second look.

use chrono::{Months, NaiveDate, Utc};
use entity::{application, application_item, household_member, monitoring_subject, recipient};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::model::Outcome;
use crate::checkins::cycles;
use crate::config::Settings;
use crate::error::ApiError;
use crate::monitoring::ledger;
use crate::supervision::tickets;
use crate::vocab::RejectReason;
use crate::vocab::Relation;
use crate::vocab::in_share;

pub struct Final<'a> {
    pub app: &'a application::Model,
    pub item_code: &'a str,
    pub outcome: Outcome,
    pub amount_fen: Option<i64>,
    pub reasons: &'a [RejectReason],
    pub today: NaiveDate,
}

pub async fn record(txn: &DatabaseTransaction, settings: &Settings, done: Final<'_>) -> Result<(), ApiError> {
    let app = done.app;
    let members =
        household_member::Entity::find().filter(household_member::Column::ApplicationId.eq(app.id)).all(txn).await?;
    let applicant = members
        .iter()
        .find(|m| m.relation == Relation::Applicant.as_str())
        .ok_or_else(|| ApiError::internal("a submitted application without its applicant"))?;
    match done.outcome {
        Outcome::Approved => {
            let people: Vec<String> = members.iter().map(|m| m.id_number_index.clone()).collect();
            let items = [done.item_code.to_owned()];
            let check = ledger::Check {
                application_id: app.id,
                people: &people,
                items: &items,
                stage: "decision",
                today: done.today,
            };
            ledger::flag(txn, check).await?;
            let row = recipient::ActiveModel {
                id: Set(Uuid::now_v7()),
                subject_index: Set(applicant.id_number_index.clone()),
                subject_account_id: Set(app.subject_account_id),
                member_id: Set(applicant.id),
                application_id: Set(app.id),
                item_code: Set(done.item_code.to_owned()),
                amount_fen: Set(done.amount_fen.unwrap_or(0)),
                start_date: Set(done.today),
                status: Set("active".to_owned()),
                community_code: Set(app.community_code.clone()),
                township_code: Set(app.township_code.clone()),
                district_code: Set(app.district_code.clone()),
                created_at: Set(Utc::now()),
            };
            let inserted = recipient::Entity::insert(row.clone())
                .on_conflict_do_nothing_on([recipient::Column::ApplicationId, recipient::Column::ItemCode])
                .exec_without_returning(txn)
                .await?;
            if matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
                let recipient = recipient::Model::try_from(row).map_err(ApiError::from)?;
                cycles::schedule_next(txn, &settings.checkins, &recipient, done.today).await?;
            }
        }
        Outcome::Rejected => {
            let reason: Vec<&str> = done.reasons.iter().map(|r| r.name_zh()).collect();
            let review = done
                .today
                .checked_add_months(Months::new(settings.review.monitoring_review_months))
                .unwrap_or(done.today);
            let row = monitoring_subject::ActiveModel {
                id: Set(Uuid::now_v7()),
                subject_index: Set(applicant.id_number_index.clone()),
                group_code: Set("rejected_applicant".to_owned()),
                reason: Set(format!("{}:{}", done.item_code, reason.join("、"))),
                source_ref: Set(format!("application:{}:{}", app.id, done.item_code)),
                application_id: Set(Some(app.id)),
                community_code: Set(app.community_code.clone()),
                township_code: Set(app.township_code.clone()),
                review_date: Set(review),
                consent_basis: Set("application_authorization".to_owned()),
                name: Set(applicant.name.clone()),
                id_number_masked: Set(applicant.id_number_masked.clone()),
                created_at: Set(Utc::now()),
            };
            monitoring_subject::Entity::insert(row)
                .on_conflict_do_nothing_on([
                    monitoring_subject::Column::GroupCode,
                    monitoring_subject::Column::SubjectIndex,
                    monitoring_subject::Column::SourceRef,
                ])
                .exec_without_returning(txn)
                .await?;
            application_item::Entity::update_many()
                .col_expr(application_item::Column::OpenSubjectIndex, Expr::value(Option::<String>::None))
                .filter(application_item::Column::ApplicationId.eq(app.id))
                .filter(application_item::Column::ItemCode.eq(done.item_code))
                .exec(txn)
                .await?;
            if escalated(app.id, done.item_code, settings.review.escalate_rejections_percent) {
                let details = json!({ "reasons": done.reasons });
                tickets::open(txn, tickets::REJECTION_REVIEW, app, done.item_code, None, details).await?;
            }
        }
    }
    Ok(())
}

/// Whether a rejection goes to the district for a second look: a fixed share (see `in_share`).
pub fn escalated(application_id: Uuid, item_code: &str, percent: u8) -> bool {
    in_share(&format!("escalate:{application_id}:{item_code}"), percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_configured_share_of_rejections_is_escalated() {
        let picked = (0..2000).filter(|_| escalated(Uuid::new_v4(), "dibao", 10)).count();
        assert!((120..=280).contains(&picked), "{picked} of 2000");
        assert!(!escalated(Uuid::new_v4(), "dibao", 0));
        assert!(escalated(Uuid::new_v4(), "dibao", 100));
    }
}
