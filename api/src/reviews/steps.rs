//! The plain steps: accept, return for materials (the clock stops), supplement (the clock runs
//! on, the deadlines move by the days it stood still), close, withdraw.

use chrono::NaiveDate;
use entity::{application, application_document, application_event, application_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::machine::{self, Action};
use super::model::{ReturnIn, StepIn, SupplementIn, WithdrawIn};
use super::service::{self, AWAITING, Move};
use crate::applications::ScopedApplication;
use crate::applications::model::ApplicationOut;
use crate::calendar;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, field_note};
use crate::state::AppState;
use crate::supervision::{deadlines, tickets};
use crate::uow::UnitOfWork;
use crate::vocab::{DocumentType, Status};

/// 受理: the township takes the application on.
pub async fn accept(state: &AppState, scope: &ScopedApplication, input: StepIn) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Accept, scope)?;
    machine::ensure_version(scope, input.version)?;
    let note = field_note("note", input.note.as_deref(), 0)?;
    let mut uow = UnitOfWork::begin(&state.db).await?;
    let step = Move {
        scope,
        action: Action::Accept,
        from,
        to: Status::Accepted,
        set: vec![],
        details: json!({ "note": note }),
    };
    service::move_to(&mut uow, step).await?;
    service::finish(uow, state, scope.application().id).await
}

/// Asks for materials; the deadline clock stops until the applicant's side supplements.
pub async fn return_for_materials(
    state: &AppState,
    scope: &ScopedApplication,
    input: ReturnIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Return, scope)?;
    machine::ensure_version(scope, input.version)?;
    let note = field_note("note", Some(&input.note), 2)?;
    let missing = missing_list(&input.missing)?;
    let today = calendar::today();
    let calendar = calendar::service::around(&state.db, today).await?;
    let due = calendar.add_working_days(today, state.settings.review.materials_working_days);
    let set = vec![
        (application::Column::PausedOn, Expr::value(Some(today))),
        (application::Column::ResumeStatus, Expr::value(Some(from.as_str()))),
        (application::Column::MaterialsDue, Expr::value(Some(due))),
        (application::Column::MissingDocuments, Expr::value(Some(json!(missing)))),
    ];
    let details = json!({ "note": note, "missing": missing, "materials_due": due });
    let mut uow = UnitOfWork::begin(&state.db).await?;
    service::move_to(&mut uow, Move { scope, action: Action::Return, from, to: Status::Returned, set, details })
        .await?;
    service::finish(uow, state, scope.application().id).await
}

/// The applicant's side has attached what was asked for: a return goes back where it was with
/// every deadline moved on by the working days the clock stood still; an emergency approval's
/// materials open the re-review for the township.
pub async fn supplement(
    state: &AppState,
    scope: &ScopedApplication,
    input: SupplementIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Supplement, scope)?;
    let app = scope.application();
    let asked: Vec<DocumentType> =
        app.missing_documents.clone().and_then(|m| serde_json::from_value(m).ok()).unwrap_or_default();
    if from == Status::Decided && app.missing_documents.is_none() {
        return Err(machine::invalid(from, app.version));
    }
    machine::ensure_version(scope, input.version)?;
    let note = field_note("note", input.note.as_deref(), 0)?;
    ensure_supplied(state, app, &asked).await?;
    let today = calendar::today();
    let cleared = vec![
        (application::Column::PausedOn, Expr::value(Option::<NaiveDate>::None)),
        (application::Column::ResumeStatus, Expr::value(Option::<String>::None)),
        (application::Column::MaterialsDue, Expr::value(Option::<NaiveDate>::None)),
        (application::Column::MissingDocuments, Expr::value(Option::<serde_json::Value>::None)),
    ];
    let mut uow = UnitOfWork::begin(&state.db).await?;
    if from == Status::Decided {
        // 先批后补: the materials are in; the township reviews the case again.
        application::Entity::update_many()
            .col_expr(application::Column::MaterialsDue, Expr::value(Option::<NaiveDate>::None))
            .col_expr(application::Column::MissingDocuments, Expr::value(Option::<serde_json::Value>::None))
            .filter(application::Column::Id.eq(app.id))
            .exec(uow.txn())
            .await?;
        service::record_step(&mut uow, scope, Action::Supplement, json!({ "note": note, "supplied": asked })).await?;
        let calendar = calendar::service::around(uow.txn(), today).await?;
        let due = calendar.add_working_days(today, 5);
        tickets::open(uow.txn(), tickets::EMERGENCY_RE_REVIEW, app, "", Some(due), json!({ "supplied": asked }))
            .await?;
    } else {
        let to = app.resume_status.as_deref().and_then(Status::parse).unwrap_or(Status::Accepted);
        let paused = resume_clock(uow.txn(), app, today).await?;
        let details = json!({ "note": note, "supplied": asked, "paused_working_days": paused });
        service::move_to(&mut uow, Move { scope, action: Action::Supplement, from, to, set: cleared, details }).await?;
    }
    service::finish(uow, state, app.id).await
}

/// Moves each undecided item's warning and due dates on by the working days since the return.
async fn resume_clock(txn: &DatabaseTransaction, app: &application::Model, today: NaiveDate) -> Result<i32, ApiError> {
    let Some(paused_on) = app.paused_on else { return Ok(0) };
    let calendar = calendar::service::around(txn, paused_on).await?;
    let paused = calendar.working_days_between(paused_on, today);
    let items = application_item::Entity::find()
        .filter(application_item::Column::ApplicationId.eq(app.id))
        .filter(application_item::Column::Status.is_in(AWAITING))
        .all(txn)
        .await?;
    for item in items {
        let due = item.due_date.map(|d| calendar.add_working_days(d, paused));
        let warn = item.warn_date.map(|d| calendar.add_working_days(d, paused));
        application_item::Entity::update_many()
            .col_expr(application_item::Column::DueDate, Expr::value(due))
            .col_expr(application_item::Column::WarnDate, Expr::value(warn))
            .col_expr(application_item::Column::PausedDays, Expr::value(item.paused_days + paused))
            .col_expr(application_item::Column::SlaState, Expr::value(deadlines::sla_state(today, warn, due)))
            .filter(application_item::Column::ApplicationId.eq(app.id))
            .filter(application_item::Column::ItemCode.eq(item.item_code.as_str()))
            .exec(txn)
            .await?;
    }
    Ok(paused)
}

/// Every document type asked for has been attached since it was asked for.
async fn ensure_supplied(state: &AppState, app: &application::Model, asked: &[DocumentType]) -> Result<(), ApiError> {
    let since = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id))
        .filter(application_event::Column::Kind.is_in(["returned", "emergency_approved"]))
        .order_by_desc(application_event::Column::OccurredAt)
        .one(&state.db)
        .await?
        .map(|e| e.occurred_at);
    let attached = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app.id))
        .all(&state.db)
        .await?;
    let errors: Vec<FieldError> = asked
        .iter()
        .filter(|doc| {
            let name = json!(doc);
            !attached
                .iter()
                .any(|a| Some(a.doc_type.as_str()) == name.as_str() && since.is_none_or(|s| a.attached_at >= s))
        })
        .map(|doc| {
            FieldError::new(
                format!("documents.{}", json!(doc).as_str().unwrap_or_default()),
                FieldCode::MissingDocument,
                Message::new(format!("请先上传{}", doc.name_zh()), format!("Upload the requested document: {doc:?}")),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::new(ErrorCode::ApplicationIncomplete).with_errors(errors)) }
}

/// 办结: after the decisions were delivered. An emergency approval is closed only after its
/// re-review.
pub async fn close(state: &AppState, scope: &ScopedApplication, input: StepIn) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Close, scope)?;
    machine::ensure_version(scope, input.version)?;
    let app = scope.application();
    if app.re_review {
        return Err(machine::invalid(from, app.version).with_detail(Message::new(
            "先批后补的案件需补齐材料并完成复核后才能办结。",
            "An emergency approval is closed after its materials arrived and it was reviewed again.",
        )));
    }
    let note = field_note("note", input.note.as_deref(), 0)?;
    let set = vec![(application::Column::ClosedAt, Expr::value(Some(chrono::Utc::now())))];
    let mut uow = UnitOfWork::begin(&state.db).await?;
    service::move_to(
        &mut uow,
        Move { scope, action: Action::Close, from, to: Status::Closed, set, details: json!({ "note": note }) },
    )
    .await?;
    application_item::Entity::update_many()
        .col_expr(application_item::Column::OpenSubjectIndex, Expr::value(Option::<String>::None))
        .filter(application_item::Column::ApplicationId.eq(app.id))
        .exec(uow.txn())
        .await?;
    service::finish(uow, state, app.id).await
}

/// The applicant's side withdraws before the decision.
pub async fn withdraw(
    state: &AppState,
    scope: &ScopedApplication,
    input: WithdrawIn,
) -> Result<ApplicationOut, ApiError> {
    let mut uow = UnitOfWork::begin(&state.db).await?;
    service::move_to(&mut uow, withdrawal(scope, input)?).await?;
    service::finish(uow, state, scope.application().id).await
}

/// An offline withdrawal in a sync batch's transaction (the batch owns it, not a unit of work):
/// the checks and writes of `withdraw`, the progress snapshot refreshed here; the batch deletes
/// the cached answer after its commit.
pub async fn withdraw_in(
    txn: &DatabaseTransaction,
    scope: &ScopedApplication,
    input: WithdrawIn,
) -> Result<(), ApiError> {
    service::move_in(txn, withdrawal(scope, input)?).await?;
    crate::progress::snapshot::refresh(txn, scope.application().id).await
}

/// The withdrawal's checks, and the move it makes.
fn withdrawal(scope: &ScopedApplication, input: WithdrawIn) -> Result<Move<'_>, ApiError> {
    let from = machine::check(Action::Withdraw, scope)?;
    machine::ensure_version(scope, input.version)?;
    let reason = field_note("reason", input.reason.as_deref(), 0)?;
    Ok(Move {
        scope,
        action: Action::Withdraw,
        from,
        to: Status::Withdrawn,
        set: vec![],
        details: json!({ "note": reason }),
    })
}

/// At least one document type, none twice.
pub fn missing_list(missing: &[DocumentType]) -> Result<Vec<DocumentType>, ApiError> {
    let mut list = Vec::new();
    for doc in missing {
        if !list.contains(doc) {
            list.push(*doc);
        }
    }
    if list.is_empty() || list.contains(&DocumentType::Signature) {
        return Err(ApiError::validation(vec![FieldError::new(
            "missing",
            FieldCode::Required,
            Message::new("请选择需要补充的材料", "Name at least one document to bring"),
        )]));
    }
    Ok(list)
}
