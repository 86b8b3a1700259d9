//! Decisions per item, signed by the reviewer: approved with an amount, rejected with reasons, or
//! routed to the district (district-level items, amounts above the township's limit) for its
//! confirmation; the emergency path (先批后补) approves first. Each item moves only from the
//! version the reviewer read (the loser of two concurrent decisions gets 409), and the
//! application is `decided` once every item has its outcome.

use chrono::Utc;
use entity::{aid_item, application, application_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::machine::{self, Action};
use super::model::{ConfirmIn, DecisionIn, EmergencyIn, ItemDecisionIn, Outcome};
use super::outcomes::{self, Final};
use super::service::{self, AWAITING, Move};
use super::signature;
use crate::applications::ScopedApplication;
use crate::applications::model::ApplicationOut;
use crate::calendar;
use crate::config::ReviewSettings;
use crate::error::{ApiError, FieldCode, FieldError, Message, field_note};
use crate::state::AppState;
use crate::supervision::tickets;
use crate::uow::UnitOfWork;
use crate::vocab::{ItemStatus, RejectReason, Status};

/// The township's decisions on some or all items.
#[tracing::instrument(skip_all, fields(application_id = %scope.application().id, items = input.items.len()))]
pub async fn decide(
    state: &AppState,
    scope: &ScopedApplication,
    input: DecisionIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Decide, scope)?;
    let settings = &state.settings.review;
    let (_, catalog) = items_and_catalog(state, scope).await?;
    validate_all(&input.items, &catalog, settings)?;
    let signed = signature::sign(
        state,
        scope.principal(),
        &json!({ "application_id": scope.application().id, "items": decisions_json(&input.items) }),
    )
    .await?;
    let today = calendar::today();
    let mut uow = UnitOfWork::begin(&state.db).await?;
    lock(uow.txn(), scope.application()).await?;
    for decision in &input.items {
        let level = catalog.iter().find(|c| c.code == decision.code).map(|c| c.approval_level.as_str());
        let to = route(level, &decision.code, decision.outcome, decision.amount_fen, settings);
        set_item(uow.txn(), scope, decision, to, &AWAITING).await?;
        after_item(uow.txn(), &state.settings, scope.application(), decision, to, today).await?;
    }
    let details =
        json!({ "items": decisions_json(&input.items), "signature": signed, "note": joined_notes(&input.items) });
    conclude(&mut uow, scope, Action::Decide, from, details).await?;
    service::finish(uow, state, scope.application().id).await
}

/// The district confirms (or changes, or refuses) a township proposal waiting for it.
#[tracing::instrument(skip_all, fields(application_id = %scope.application().id, item = code))]
pub async fn confirm(
    state: &AppState,
    scope: &ScopedApplication,
    code: &str,
    input: ConfirmIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::ConfirmDistrict, scope)?;
    let settings = &state.settings.review;
    let decision = ItemDecisionIn {
        code: code.to_owned(),
        version: input.version,
        outcome: input.outcome,
        amount_fen: input.amount_fen,
        reasons: input.reasons,
        note: input.note,
    };
    let (_, catalog) = items_and_catalog(state, scope).await?;
    validate_all(std::slice::from_ref(&decision), &catalog, settings)?;
    let signed = signature::sign(
        state,
        scope.principal(),
        &json!({ "application_id": scope.application().id, "items": decisions_json(std::slice::from_ref(&decision)) }),
    )
    .await?;
    let to = final_status(decision.outcome);
    let today = calendar::today();
    let mut uow = UnitOfWork::begin(&state.db).await?;
    lock(uow.txn(), scope.application()).await?;
    set_item(uow.txn(), scope, &decision, to, &[ItemStatus::PendingDistrict.as_str()]).await?;
    after_item(uow.txn(), &state.settings, scope.application(), &decision, to, today).await?;
    tickets::close_kind(
        uow.txn(),
        tickets::DISTRICT_CONFIRMATION,
        scope.application().id,
        code,
        scope.principal(),
        outcome_word(decision.outcome),
    )
    .await?;
    let details =
        json!({ "items": decisions_json(std::slice::from_ref(&decision)), "signature": signed, "note": decision.note });
    conclude(&mut uow, scope, Action::ConfirmDistrict, from, details).await?;
    service::finish(uow, state, scope.application().id).await
}

/// 先批后补: the listed items approved now, the materials due later, the case flagged for a
/// re-review.
#[tracing::instrument(skip_all, fields(application_id = %scope.application().id, items = input.items.len()))]
pub async fn emergency(
    state: &AppState,
    scope: &ScopedApplication,
    input: EmergencyIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::EmergencyApprove, scope)?;
    machine::ensure_version(scope, input.version)?;
    let settings = &state.settings.review;
    let note = field_note("note", Some(&input.note), 2)?;
    let missing = if input.missing.is_empty() { Vec::new() } else { super::steps::missing_list(&input.missing)? };
    let (items, catalog) = items_and_catalog(state, scope).await?;
    let decisions: Vec<ItemDecisionIn> = input
        .items
        .iter()
        .map(|i| ItemDecisionIn {
            code: i.code.clone(),
            version: items.iter().find(|row| row.item_code == i.code).map_or(-1, |row| row.version),
            outcome: Outcome::Approved,
            amount_fen: Some(i.amount_fen),
            reasons: Vec::new(),
            note: None,
        })
        .collect();
    if decisions.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "items",
            FieldCode::Required,
            Message::new("请选择先行救助的事项并填写金额", "Name the items approved now, with amounts"),
        )]));
    }
    validate_all(&decisions, &catalog, settings)?;
    let signed = signature::sign(state, scope.principal(), &json!({ "application_id": scope.application().id, "emergency": input.reason, "items": decisions_json(&decisions) })).await?;
    let today = calendar::today();
    let calendar = calendar::service::around(&state.db, today).await?;
    let due = (!missing.is_empty()).then(|| calendar.add_working_days(today, settings.materials_working_days));
    let mut uow = UnitOfWork::begin(&state.db).await?;
    lock(uow.txn(), scope.application()).await?;
    for decision in &decisions {
        let level = catalog.iter().find(|c| c.code == decision.code).map(|c| c.approval_level.as_str());
        let to = match route(level, &decision.code, decision.outcome, decision.amount_fen, settings) {
            // The emergency path is the township's own; only the amount limit sends it up.
            ItemStatus::PendingDistrict if !over_limit(&decision.code, decision.amount_fen, settings) => {
                ItemStatus::Approved
            }
            other => other,
        };
        set_item(uow.txn(), scope, decision, to, &AWAITING).await?;
        after_item(uow.txn(), &state.settings, scope.application(), decision, to, today).await?;
    }
    application::Entity::update_many()
        .col_expr(application::Column::Emergency, Expr::value(true))
        .col_expr(
            application::Column::EmergencyReason,
            Expr::value(Some(json!(input.reason).as_str().unwrap_or("other").to_owned())),
        )
        .col_expr(application::Column::ReReview, Expr::value(true))
        .col_expr(application::Column::MaterialsDue, Expr::value(due))
        .col_expr(application::Column::MissingDocuments, Expr::value((!missing.is_empty()).then(|| json!(missing))))
        .filter(application::Column::Id.eq(scope.application().id))
        .exec(uow.txn())
        .await?;
    let details = json!({ "reason": input.reason, "items": decisions_json(&decisions), "missing": missing,
                          "materials_due": due, "signature": signed, "note": note });
    conclude(&mut uow, scope, Action::EmergencyApprove, from, details).await?;
    service::finish(uow, state, scope.application().id).await
}

/// Where an item goes: the district confirms district-level items and amounts above the
/// township's limit; the rest is final at once.
fn route(
    level: Option<&str>,
    code: &str,
    outcome: Outcome,
    amount: Option<i64>,
    settings: &ReviewSettings,
) -> ItemStatus {
    let district_item = level == Some("district");
    let above = outcome == Outcome::Approved && over_limit(code, amount, settings);
    if district_item || above { ItemStatus::PendingDistrict } else { final_status(outcome) }
}

fn over_limit(code: &str, amount: Option<i64>, settings: &ReviewSettings) -> bool {
    settings.township_amount_limit_fen.get(code).is_some_and(|limit| amount.unwrap_or(0) > *limit)
}

fn final_status(outcome: Outcome) -> ItemStatus {
    match outcome {
        Outcome::Approved => ItemStatus::Approved,
        Outcome::Rejected => ItemStatus::Rejected,
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Approved => "approved",
        Outcome::Rejected => "rejected",
    }
}

/// Takes the application row's lock first, so two decisions on its items settle its status one
/// after the other.
async fn lock(txn: &DatabaseTransaction, app: &application::Model) -> Result<(), ApiError> {
    application::Entity::update_many()
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(app.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The item moves from the version the reviewer read and one of `from`; otherwise 409.
async fn set_item(
    txn: &DatabaseTransaction,
    scope: &ScopedApplication,
    decision: &ItemDecisionIn,
    to: ItemStatus,
    from: &[&str],
) -> Result<(), ApiError> {
    let app_id = scope.application().id;
    let reasons = (!decision.reasons.is_empty()).then(|| json!(decision.reasons));
    let done = application_item::Entity::update_many()
        .col_expr(application_item::Column::Status, Expr::value(to.as_str()))
        .col_expr(application_item::Column::Version, Expr::value(decision.version + 1))
        .col_expr(
            application_item::Column::AmountFen,
            Expr::value(decision.amount_fen.filter(|_| decision.outcome == Outcome::Approved)),
        )
        .col_expr(application_item::Column::Reasons, Expr::value(reasons))
        .col_expr(application_item::Column::DecisionNote, Expr::value(decision.note.clone()))
        .col_expr(application_item::Column::DecidedAt, Expr::value(Some(Utc::now())))
        .col_expr(application_item::Column::DecidedBy, Expr::value(Some(scope.principal().account_id)))
        .filter(application_item::Column::ApplicationId.eq(app_id))
        .filter(application_item::Column::ItemCode.eq(decision.code.as_str()))
        .filter(application_item::Column::Version.eq(decision.version))
        .filter(application_item::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    if done.rows_affected == 1 {
        return Ok(());
    }
    let current = application_item::Entity::find_by_id((app_id, decision.code.clone())).one(txn).await?;
    let Some(current) = current else { return Err(unknown_item(&decision.code)) };
    let facts = json!({ "item": current.item_code, "status": current.status, "version": current.version });
    if current.version == decision.version {
        let status = Status::parse(&scope.application().status).unwrap_or(Status::Draft);
        Err(machine::invalid(status, scope.application().version)
            .with_detail(Message::new(
                format!(
                    "事项\u{201c}{}\u{201d}当前为\u{201c}{}\u{201d},不能再作此决定。",
                    current.item_code,
                    ItemStatus::parse(&current.status).map_or("", ItemStatus::name_zh)
                ),
                format!("Item `{}` is `{}`; it cannot take this decision.", current.item_code, current.status),
            ))
            .with_current(facts))
    } else {
        Err(machine::stale(facts))
    }
}

async fn after_item(
    txn: &DatabaseTransaction,
    settings: &crate::config::Settings,
    app: &application::Model,
    decision: &ItemDecisionIn,
    to: ItemStatus,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    if to == ItemStatus::PendingDistrict {
        let details = json!({ "proposal": decisions_json(std::slice::from_ref(decision)) });
        tickets::open(txn, tickets::DISTRICT_CONFIRMATION, app, &decision.code, None, details).await?;
        return Ok(());
    }
    let done = Final {
        app,
        item_code: &decision.code,
        outcome: decision.outcome,
        amount_fen: decision.amount_fen,
        reasons: &decision.reasons,
        today,
    };
    outcomes::record(txn, settings, done).await
}

/// Writes the step: `decided` once every item has its outcome, otherwise the event alone.
async fn conclude(
    uow: &mut UnitOfWork,
    scope: &ScopedApplication,
    action: Action,
    from: Status,
    details: Value,
) -> Result<(), ApiError> {
    let items = application_item::Entity::find()
        .filter(application_item::Column::ApplicationId.eq(scope.application().id))
        .all(uow.txn())
        .await?;
    let all_final = items.iter().all(|i| ItemStatus::parse(&i.status).is_some_and(ItemStatus::is_final));
    let to = match from {
        _ if all_final => Status::Decided,
        // An emergency approval of part of a fresh application accepts the rest.
        Status::Submitted => Status::Accepted,
        other => other,
    };
    if to == from {
        return service::record_step(uow, scope, action, details).await;
    }
    let set = if to == Status::Decided {
        vec![(application::Column::DecidedAt, Expr::value(Some(Utc::now())))]
    } else {
        vec![]
    };
    service::move_to(uow, Move { scope, action, from, to, set, details }).await
}

/// The application's items and their catalog rows, in one query.
async fn items_and_catalog(
    state: &AppState,
    scope: &ScopedApplication,
) -> Result<(Vec<application_item::Model>, Vec<aid_item::Model>), ApiError> {
    let rows = application_item::Entity::find()
        .find_also_related(aid_item::Entity)
        .filter(application_item::Column::ApplicationId.eq(scope.application().id))
        .all(&state.db)
        .await?;
    let (items, catalog): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    Ok((items, catalog.into_iter().flatten().collect()))
}

/// Every decision checked at once: a known item of this application, each once, an amount in
/// range when approved, reasons when rejected.
fn validate_all(
    decisions: &[ItemDecisionIn],
    catalog: &[aid_item::Model],
    settings: &ReviewSettings,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if decisions.is_empty() {
        errors.push(FieldError::new(
            "items",
            FieldCode::Required,
            Message::new("请至少对一个事项作出决定", "Decide at least one item"),
        ));
    }
    for (i, d) in decisions.iter().enumerate() {
        let at = |field: &str| format!("items[{i}].{field}");
        if !catalog.iter().any(|c| c.code == d.code) {
            errors.push(FieldError::new(
                at("code"),
                FieldCode::UnknownItem,
                Message::new("该申请不包含此事项", "This application does not ask for this item"),
            ));
        }
        if decisions[..i].iter().any(|other| other.code == d.code) {
            errors.push(FieldError::new(
                at("code"),
                FieldCode::Duplicate,
                Message::new("同一事项只能有一个决定", "One decision per item"),
            ));
        }
        match d.outcome {
            Outcome::Approved => match d.amount_fen {
                Some(amount) if amount > 0 && amount <= settings.max_amount_fen => {}
                Some(amount) if amount > settings.max_amount_fen => errors.push(FieldError::new(
                    at("amount_fen"),
                    FieldCode::AmountTooHigh,
                    Message::new(
                        format!("金额超过单次救助上限({}元),请核对金额(单位为分)", settings.max_amount_fen / 100),
                        format!(
                            "Over the per-decision maximum of {} fen; check the amount (in fen)",
                            settings.max_amount_fen
                        ),
                    ),
                )),
                _ => errors.push(FieldError::new(
                    at("amount_fen"),
                    FieldCode::AmountRequired,
                    Message::new("批准时请填写大于0的救助金额(单位为分)", "An approval needs a positive amount in fen"),
                )),
            },
            Outcome::Rejected => {
                if d.reasons.is_empty() {
                    errors.push(FieldError::new(
                        at("reasons"),
                        FieldCode::ReasonRequired,
                        Message::new(
                            "不予批准时请选择理由,申请人会看到该理由",
                            "A rejection needs at least one reason; the applicant sees it",
                        ),
                    ));
                }
                if d.reasons.contains(&RejectReason::Other)
                    && d.note.as_deref().is_none_or(|n| n.trim().chars().count() < 2)
                {
                    errors.push(FieldError::new(
                        at("note"),
                        FieldCode::Required,
                        Message::new(
                            "选择\u{201c}其他原因\u{201d}时请写明具体理由",
                            "Explain the reason `other` in the note",
                        ),
                    ));
                }
            }
        }
        if d.note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            errors.push(FieldError::new(
                at("note"),
                FieldCode::InvalidText,
                Message::new("说明不能超过500字", "At most 500 characters"),
            ));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}

fn unknown_item(code: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "code",
        FieldCode::UnknownItem,
        Message::new(format!("该申请不包含事项 {code}"), "This application does not ask for this item"),
    )])
}

fn decisions_json(decisions: &[ItemDecisionIn]) -> Value {
    json!(decisions
        .iter()
        .map(|d| json!({ "code": d.code, "outcome": d.outcome, "amount_fen": d.amount_fen, "reasons": d.reasons, "note": d.note }))
        .collect::<Vec<_>>())
}

fn joined_notes(decisions: &[ItemDecisionIn]) -> Option<String> {
    let notes: Vec<&str> = decisions.iter().filter_map(|d| d.note.as_deref()).collect();
    (!notes.is_empty()).then(|| notes.join(";"))
}
