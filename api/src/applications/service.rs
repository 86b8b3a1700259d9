//! Applications as drafts: create (idempotent on the client's id), update, read, list.

use chrono::Utc;
use entity::{aid_item, application, application_item, service_point};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TryInsertResult,
};
use serde_json::json;

use super::lookups::Lookups;
use super::model::{ApplicationIn, ApplicationUpdateIn};
use super::scoped::ScopedApplication;
use super::{events, validate};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::precheck::service::check_amounts;
use crate::vocab::{Principal, RegionCode, Role, Status};

/// Creates a draft in the caller's transaction; `Ok((row, true))` when new, the existing row when
/// the same request came before (also when a copy of it raced this one). Everything is checked
/// before the first write, so a refused request wrote nothing.
pub async fn create(
    db: &impl ConnectionTrait,
    lookups: &mut Lookups,
    by: &Principal,
    mut input: ApplicationIn,
) -> Result<(application::Model, bool), ApiError> {
    input.community_code = input.community_code.trim().to_owned();
    let hash = content_hash(&input)?;
    // The draft is looked for only when the checks refuse the request (a repeat of one that
    // created it is answered with it even where the checks would refuse it now) or when the
    // insert finds it (a repeat, or a copy racing this one: it waits for the first's commit).
    let (row, items) = match new_draft(db, lookups, by, &input, &hash).await {
        Ok(new) => new,
        Err(refused) => {
            return match application::Entity::find_by_id(input.id).one(db).await? {
                Some(existing) => same_or_conflict(by, existing, &hash),
                None => Err(refused),
            };
        }
    };
    let inserted = application::Entity::insert(row.clone().into_active_model())
        .on_conflict_do_nothing_on([application::Column::Id])
        .exec_without_returning(db)
        .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return match application::Entity::find_by_id(input.id).one(db).await? {
            Some(existing) => same_or_conflict(by, existing, &hash),
            None => Err(ApiError::internal("an application neither inserted nor found")),
        };
    }
    insert_items(db, row.id, &items).await?;
    events::record(db, row.id, "created", Some((None, Status::Draft)), by, json!({"items": input.items})).await?;
    Ok((row, true))
}

/// The checked draft `input` makes, and its catalog items; nothing written.
async fn new_draft(
    db: &impl ConnectionTrait,
    lookups: &mut Lookups,
    by: &Principal,
    input: &ApplicationIn,
    hash: &str,
) -> Result<(application::Model, Vec<aid_item::Model>), ApiError> {
    let mut errors = Vec::new();
    let community = lookups.community(db, &input.community_code, &mut errors).await?;
    let items = validate::items(lookups.catalog(db).await?, &input.items, &mut errors);
    validate::phone(input.contact_phone.as_deref(), &mut errors);
    validate::note(input.note.as_deref(), &mut errors);
    check_amounts(&input.household, &mut errors);
    if let (Some(point), Some(community)) = (input.service_point_id, &community) {
        let point = service_point::Entity::find_by_id(point).one(db).await?;
        if !point.is_some_and(|p| p.community_code == community.as_str() && p.revoked_at.is_none()) {
            errors.push(FieldError::new(
                "service_point_id",
                FieldCode::ServicePointMismatch,
                Message::new(
                    "扫码的服务点不属于所选村社,请重新扫码",
                    "The scanned service point is not in this community",
                ),
            ));
        }
    }
    let (Some(community), true) = (community, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    if by.role == Role::Helper {
        by.ensure_covers(&community)?;
    }
    let actor = lookups.account(db, by.account_id).await?;
    let township = community.parent().ok_or_else(|| ApiError::internal("a community without a township"))?;
    let district = township.parent().ok_or_else(|| ApiError::internal("a township without a district"))?;
    let now = Utc::now();
    let row = application::Model {
        id: input.id,
        number: None,
        status: Status::Draft.as_str().to_owned(),
        community_code: community.as_str().to_owned(),
        township_code: township.as_str().to_owned(),
        district_code: district.as_str().to_owned(),
        service_point_id: input.service_point_id,
        subject_account_id: (by.role == Role::Resident).then_some(by.account_id),
        actor_account_id: by.account_id,
        actor_role: by.role.as_str().to_owned(),
        actor_helper_kind: actor.helper_kind.clone(),
        actor_organisation: actor.organisation.clone(),
        contact_phone: input.contact_phone.clone(),
        household: json!(input.household),
        note: input.note.clone(),
        content_hash: hash.to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
        submitted_at: None,
        paused_on: None,
        resume_status: None,
        materials_due: None,
        missing_documents: None,
        emergency: false,
        emergency_reason: None,
        re_review: false,
        decided_at: None,
        closed_at: None,
    };
    Ok((row, items))
}

fn same_or_conflict(
    by: &Principal,
    existing: application::Model,
    hash: &str,
) -> Result<(application::Model, bool), ApiError> {
    if existing.content_hash == hash && existing.actor_account_id == by.account_id {
        Ok((existing, false))
    } else {
        Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
            "该编号的申请已存在且内容不同;新申请请使用新的编号。",
            "An application with this id exists with other content; use a new id for a new application.",
        )))
    }
}

fn content_hash(input: &ApplicationIn) -> Result<String, ApiError> {
    let bytes = serde_json::to_vec(input).map_err(ApiError::internal)?;
    Ok(crate::hex::sha256(&bytes))
}

/// Adds the draft's `items`. One it has already stays as it is (no write, nothing new for a
/// phone to pull) unless the catalog changed its department or time limit since.
async fn insert_items(
    txn: &impl ConnectionTrait,
    application_id: uuid::Uuid,
    items: &[aid_item::Model],
) -> Result<(), ApiError> {
    let rows = items.iter().map(|item| application_item::ActiveModel {
        application_id: Set(application_id),
        item_code: Set(item.code.clone()),
        status: Set(Status::Draft.as_str().to_owned()),
        department: Set(item.department.clone()),
        time_limit_working_days: Set(item.time_limit_working_days),
        due_date: Set(None),
        open_subject_index: Set(None),
        version: Set(0),
        amount_fen: Set(None),
        reasons: Set(None),
        decision_note: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        started_on: Set(None),
        warn_date: Set(None),
        sla_state: Set("on_time".to_owned()),
        paused_days: Set(0),
    });
    use application_item::Column as C;
    let excluded = |column: C| Expr::col((Alias::new("excluded"), column));
    let current = |column: C| Expr::col((application_item::Entity, column));
    let on_conflict = OnConflict::columns([C::ApplicationId, C::ItemCode])
        .update_columns([C::Department, C::TimeLimitWorkingDays])
        .action_and_where(
            current(C::Department)
                .ne(excluded(C::Department))
                .or(current(C::TimeLimitWorkingDays).ne(excluded(C::TimeLimitWorkingDays))),
        )
        .to_owned();
    application_item::Entity::insert_many(rows).on_conflict(on_conflict).exec_without_returning(txn).await?;
    Ok(())
}

/// Replaces a draft's items, phone, household facts and note, in the caller's transaction;
/// the draft as it is now.
pub async fn update(
    db: &impl ConnectionTrait,
    lookups: &mut Lookups,
    scope: ScopedApplication,
    input: ApplicationUpdateIn,
) -> Result<application::Model, ApiError> {
    scope.ensure_editable()?;
    let mut errors = Vec::new();
    let items = validate::items(lookups.catalog(db).await?, &input.items, &mut errors);
    validate::phone(input.contact_phone.as_deref(), &mut errors);
    validate::note(input.note.as_deref(), &mut errors);
    check_amounts(&input.household, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let version = scope.application().version;
    if input.version.is_some_and(|read| read != version) {
        return Err(changed_meanwhile(scope.application()));
    }
    let (principal, application) = scope.into_parts();
    let id = application.id;
    let row = application::Model {
        contact_phone: input.contact_phone,
        household: json!(input.household),
        note: input.note,
        version: version + 1,
        updated_at: Utc::now(),
        ..application
    };
    // Only from the version read: the row written is then exactly `row`.
    let updated = application::Entity::update_many()
        .col_expr(application::Column::ContactPhone, Expr::value(row.contact_phone.clone()))
        .col_expr(application::Column::Household, Expr::value(row.household.clone()))
        .col_expr(application::Column::Note, Expr::value(row.note.clone()))
        .col_expr(application::Column::Version, Expr::value(row.version))
        .col_expr(application::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::Status.eq(Status::Draft.as_str()))
        .filter(application::Column::Version.eq(version))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        let now = application::Entity::find_by_id(id).one(db).await?;
        return Err(changed_meanwhile(now.as_ref().unwrap_or(&row)));
    }
    application_item::Entity::delete_many()
        .filter(application_item::Column::ApplicationId.eq(id))
        .filter(application_item::Column::ItemCode.is_not_in(items.iter().map(|item| item.code.clone())))
        .exec(db)
        .await?;
    insert_items(db, id, &items).await?;
    events::record(db, id, "updated", None, &principal, json!({"items": input.items})).await?;
    Ok(row)
}

/// Marks the application changed (version and time), in the transaction of the change: a
/// member, a document or a signature. The application as it is now.
pub async fn touch(db: &impl ConnectionTrait, app: &application::Model) -> Result<application::Model, ApiError> {
    application::Entity::update_many()
        .col_expr(application::Column::Version, Expr::col(application::Column::Version).add(1))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(app.id))
        .exec_with_returning(db)
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// 409 `VERSION_CONFLICT` with where the application stands now.
fn changed_meanwhile(now: &application::Model) -> ApiError {
    ApiError::version_conflict(super::APPLICATION, json!({ "status": now.status, "version": now.version }))
}

pub(super) fn scope_condition(by: &Principal) -> Condition {
    let submitted = application::Column::Status.ne(Status::Draft.as_str());
    let in_region = |region: Option<&RegionCode>| match region {
        Some(code) => match code.as_str().len() {
            12 => application::Column::CommunityCode.eq(code.as_str()),
            9 => application::Column::TownshipCode.eq(code.as_str()),
            _ => application::Column::DistrictCode.eq(code.as_str()),
        },
        None => application::Column::Id.is_null(),
    };
    match by.role {
        Role::Resident => Condition::any()
            .add(application::Column::SubjectAccountId.eq(by.account_id))
            .add(application::Column::ActorAccountId.eq(by.account_id)),
        Role::Helper => Condition::any()
            .add(application::Column::ActorAccountId.eq(by.account_id))
            .add(in_region(by.region.as_ref())),
        Role::TownshipReviewer | Role::DistrictSupervisor => {
            Condition::all().add(submitted).add(in_region(by.region.as_ref()))
        }
        Role::Admin => Condition::all().add(application::Column::Id.is_null()),
    }
}

pub(super) fn parse_cursor(raw: &str) -> Result<(chrono::DateTime<Utc>, uuid::Uuid), ApiError> {
    let invalid = || {
        ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(
            "cursor",
            FieldCode::InvalidCursor,
            Message::new("翻页参数无效,请从第一页重新加载", "Invalid cursor; reload from the first page"),
        )])
    };
    let (at, id) = raw.split_once('~').ok_or_else(invalid)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| invalid())?.with_timezone(&Utc);
    let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok((at, id))
}
