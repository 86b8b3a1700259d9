//! Submitting a draft: every missing piece reported at once, no second open application of one
//! person for one item, mutually exclusive items refused, aid the household already gets that
//! duplicates or excludes an item flagged for the reviewer, a number assigned and a `submitted`
//! event written, all in one transaction. Submitting again returns the submitted application.

use chrono::{Datelike, FixedOffset, Offset, SubsecRound, Utc};
use entity::{aid_item, application, application_item, authorization};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::model::{ApplicationOut, ChecklistOut};
use super::scoped::ScopedApplication;
use super::view::{self, Parts};
use super::{events, number, validate};
use crate::calendar;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::monitoring::ledger;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::{DocumentType, ItemStatus, Relation, Role, Status};

/// What a draft still lacks, without submitting it: the `errors[]` a submit would answer now.
pub async fn checklist(db: &DatabaseConnection, scope: &ScopedApplication) -> Result<ChecklistOut, ApiError> {
    let app = scope.application();
    let draft = app.status == Status::Draft.as_str();
    let missing = if draft {
        let parts = Parts::load(db, app.id).await?;
        completeness(app, &parts, crate::calendar::today())
    } else {
        Vec::new()
    };
    Ok(ChecklistOut {
        ready: draft && missing.is_empty(),
        status: Status::parse(&app.status).ok_or_else(|| ApiError::internal(format!("status {}", app.status)))?,
        version: app.version,
        missing: missing.iter().map(FieldError::localized).collect(),
    })
}

/// China Standard Time: the date a submit counts on.
const CST: i32 = 8 * 3600;

#[tracing::instrument(skip_all, fields(application_id = %scope.application().id))]
pub async fn submit(state: &AppState, scope: &ScopedApplication) -> Result<ApplicationOut, ApiError> {
    let db = &state.db;
    let app = scope.application();
    let submitted = app.status != Status::Draft.as_str();
    if submitted && !matches!(scope.principal().role, Role::Resident | Role::Helper) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    if submitted {
        return view::load(db, app.clone()).await;
    }
    scope.ensure_editable()?;
    let mut parts = Parts::load(db, app.id).await?;
    let now = Utc::now();
    let local = now.with_timezone(&cst());
    let today = local.date_naive();
    let errors = completeness(app, &parts, today);
    if !errors.is_empty() {
        return Err(ApiError::new(ErrorCode::ApplicationIncomplete).with_errors(errors));
    }
    let subject_index = parts
        .members
        .iter()
        .find(|m| m.relation == Relation::Applicant.as_str())
        .map(|m| m.id_number_index.clone())
        .ok_or_else(|| ApiError::internal("completeness passed without an applicant"))?;
    let codes: Vec<String> = parts.items.iter().map(|i| i.item_code.clone()).collect();
    let calendar = calendar::service::around(db, today).await?;
    for item in &mut parts.items {
        item.status = ItemStatus::Submitted.as_str().to_owned();
        item.started_on = Some(today);
        item.due_date = Some(calendar.add_working_days(today, item.time_limit_working_days));
        item.warn_date = Some(calendar.add_working_days(today, calendar::warning_after(item.time_limit_working_days)));
        item.open_subject_index = Some(subject_index.clone());
    }

    let mut uow = UnitOfWork::begin(db).await?;
    if let Err(err) = claim_items(uow.txn(), app.id, &parts.items, &subject_index).await {
        drop(uow);
        // The partial unique index on open items refused a second open application of this person
        // for one of these items (submitted earlier or at this very moment): say which one.
        return match open_duplicate(db, &subject_index, &codes, app.id).await? {
            Some(number) => Err(duplicate(&number)),
            None => Err(err),
        };
    }
    let txn = uow.txn();
    events::record(
        txn,
        app.id,
        "submitted",
        Some((Some(Status::Draft), Status::Submitted)),
        scope.principal(),
        json!({ "items": codes }),
    )
    .await?;
    // Aid a member already gets that duplicates or excludes an item: flagged for the reviewer.
    let people: Vec<String> = parts.members.iter().map(|m| m.id_number_index.clone()).collect();
    let check = ledger::Check { application_id: app.id, people: &people, items: &codes, stage: "submit", today };
    ledger::flag(txn, check).await?;
    let timeline = crate::progress::events(txn, app.id).await?;

    // The per-district counter row stays locked from its bump to the commit, and every submit of
    // the district waits behind it: everything that does not need the number is written before,
    // and after it only the rows that carry the number (notification, application, snapshot).
    let number = number::next(txn, &app.district_code, local.year()).await?;
    let numbered = application::Model { number: Some(number.clone()), ..app.clone() };
    crate::notifications::outbox::enqueue(txn, &numbered, "submitted", Status::Submitted, now).await?;
    let claimed = application::Entity::update_many()
        .col_expr(application::Column::Status, Status::Submitted.as_str().into())
        .col_expr(application::Column::Number, Some(number.clone()).into())
        .col_expr(application::Column::SubmittedAt, Some(now).into())
        .col_expr(application::Column::UpdatedAt, now.into())
        .col_expr(application::Column::Version, (app.version + 1).into())
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Status.eq(Status::Draft.as_str()))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        // Another copy of this submit won; answer like a retry.
        drop(uow);
        let current =
            application::Entity::find_by_id(app.id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        return view::load(db, current).await;
    }
    let submitted = application::Model {
        status: Status::Submitted.as_str().to_owned(),
        number: Some(number),
        submitted_at: Some(now),
        updated_at: now,
        version: app.version + 1,
        ..app.clone()
    };
    // The snapshot from the rows as written (times as PostgreSQL keeps them, to the microsecond),
    // without reading them back.
    let stored = application::Model {
        submitted_at: Some(now.trunc_subsecs(6)),
        updated_at: now.trunc_subsecs(6),
        ..submitted.clone()
    };
    crate::progress::changed_to(&mut uow, stored, with_catalog(&parts), timeline);
    uow.commit(state).await?;
    Ok(view::assemble(submitted, parts))
}

/// The items with their catalog rows, in the order `Parts` loaded them (the catalog's).
fn with_catalog(parts: &Parts) -> Vec<(application_item::Model, Option<aid_item::Model>)> {
    parts
        .items
        .iter()
        .map(|item| (item.clone(), parts.catalog.iter().find(|c| c.code == item.item_code).cloned()))
        .collect()
}

/// Marks the items submitted with their deadlines, one statement per distinct time limit.
async fn claim_items(
    txn: &DatabaseTransaction,
    application_id: Uuid,
    items: &[application_item::Model],
    subject_index: &str,
) -> Result<(), ApiError> {
    let mut limits: Vec<i32> = items.iter().map(|i| i.time_limit_working_days).collect();
    limits.sort_unstable();
    limits.dedup();
    for limit in limits {
        let same: Vec<&application_item::Model> = items.iter().filter(|i| i.time_limit_working_days == limit).collect();
        let Some(first) = same.first() else { continue };
        let codes: Vec<&str> = same.iter().map(|i| i.item_code.as_str()).collect();
        application_item::Entity::update_many()
            .col_expr(application_item::Column::Status, ItemStatus::Submitted.as_str().into())
            .col_expr(application_item::Column::DueDate, first.due_date.into())
            .col_expr(application_item::Column::WarnDate, first.warn_date.into())
            .col_expr(application_item::Column::StartedOn, first.started_on.into())
            .col_expr(application_item::Column::OpenSubjectIndex, Some(subject_index.to_owned()).into())
            .filter(application_item::Column::ApplicationId.eq(application_id))
            .filter(application_item::Column::ItemCode.is_in(codes))
            .exec(txn)
            .await?;
    }
    Ok(())
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(CST).unwrap_or(Utc.fix())
}

/// Everything that is missing, each with where and what to do.
fn completeness(app: &application::Model, parts: &Parts, today: chrono::NaiveDate) -> Vec<FieldError> {
    let (catalog, members, attachments) = (&parts.catalog, &parts.members, &parts.attachments);
    let signatures: Vec<&authorization::Model> =
        parts.authorizations.iter().filter(|a| a.revoked_at.is_none()).collect();
    let mut errors = Vec::new();
    validate::exclusive(catalog, &mut errors);
    if app.actor_role == Role::Helper.as_str() && app.contact_phone.is_none() {
        errors.push(FieldError::new(
            "contact_phone",
            FieldCode::Required,
            Message::new("请填写接收办理进度的手机号码", "Give the mobile number that receives progress"),
        ));
    }
    let applicant = members.iter().find(|m| m.relation == Relation::Applicant.as_str());
    if applicant.is_none() {
        errors.push(FieldError::new(
            "members",
            FieldCode::MissingApplicant,
            Message::new(
                "请填写申请人本人的信息(关系选择\u{201c}本人\u{201d})",
                "Add the applicant as a member with relation `self`",
            ),
        ));
    }
    let mut needed: Vec<DocumentType> = Vec::new();
    for row in catalog {
        for doc in serde_json::from_value::<Vec<DocumentType>>(row.required_documents.clone()).unwrap_or_default() {
            if !needed.contains(&doc) {
                needed.push(doc);
            }
        }
    }
    for doc in needed {
        let id_photo = matches!(doc, DocumentType::IdCardFront | DocumentType::IdCardBack);
        let present = attachments.iter().any(|a| {
            serde_json::from_value::<DocumentType>(json!(a.doc_type)).ok() == Some(doc)
                && (!id_photo || applicant.is_some_and(|m| a.member_id == Some(m.id)))
        });
        if !present {
            let whose = if id_photo { "申请人" } else { "" };
            errors.push(FieldError::new(
                format!("documents.{}", json!(doc).as_str().unwrap_or_default()),
                FieldCode::MissingDocument,
                Message::new(format!("缺少{whose}{}照片", doc.name_zh()), format!("Missing document: {doc:?}")),
            ));
        }
    }
    for member in members.iter().filter(|m| today.years_since(m.birth_date).unwrap_or(0) >= 18) {
        let covered = signatures
            .iter()
            .any(|s| serde_json::from_value::<Vec<Uuid>>(s.covers.clone()).unwrap_or_default().contains(&member.id));
        if !covered {
            errors.push(FieldError::new(
                format!("authorizations.{}", member.id),
                FieldCode::MissingSignature,
                Message::new(
                    format!("缺少{}的授权书签字(成年家庭成员均需授权)", member.name),
                    "Every adult member must be covered by a signed authorization",
                ),
            ));
        }
    }
    errors
}

/// The number of an open application of the same person for one of `items`, other than `this`.
async fn open_duplicate(
    db: &DatabaseConnection,
    subject_index: &str,
    items: &[String],
    this: Uuid,
) -> Result<Option<String>, ApiError> {
    let open = application_item::Entity::find()
        .filter(application_item::Column::OpenSubjectIndex.eq(subject_index))
        .filter(application_item::Column::ItemCode.is_in(items.to_vec()))
        .filter(application_item::Column::ApplicationId.ne(this))
        .one(db)
        .await?;
    let Some(open) = open else { return Ok(None) };
    let app = application::Entity::find_by_id(open.application_id).one(db).await?;
    Ok(app.and_then(|a| a.number))
}

fn duplicate(number: &str) -> ApiError {
    ApiError::new(ErrorCode::DuplicateApplication).with_detail(Message::new(
        format!("申请人已有同一事项正在办理中的申请({number}),请查看该申请的进度,无需重复提交。"),
        format!("The applicant already has an open application for this item ({number}); follow that one."),
    ))
}
