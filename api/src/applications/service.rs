//! Applications as drafts: create (idempotent on the client's id), update, read, list.

use chrono::Utc;
use entity::{account, aid_item, application, application_item, service_point};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde_json::json;

use super::model::{ApplicationIn, ApplicationListQuery, ApplicationSummaryOut, ApplicationUpdateIn};
use super::scoped::ScopedApplication;
use super::status::Status;
use super::{events, validate};
use crate::auth::principal::Principal;
use crate::auth::role::Role;
use crate::error::{ApiError, ErrorCode, FieldError, Message};
use crate::http::pagination::{self, Page};
use crate::precheck::service::check_amounts;
use crate::regions::code::RegionCode;
use crate::regions::service as regions;

/// Creates a draft; `Ok((row, true))` when new, the existing row when the same request came before.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    by: &Principal,
    mut input: ApplicationIn,
) -> Result<(application::Model, bool), ApiError> {
    input.community_code = input.community_code.trim().to_owned();
    let hash = content_hash(&input)?;
    if let Some(existing) = application::Entity::find_by_id(input.id).one(db).await? {
        return same_or_conflict(by, existing, &hash);
    }
    let mut errors = Vec::new();
    let community = regions::community(db, &input.community_code, &mut errors).await?;
    let items = validate::items(db, &input.items, &mut errors).await?;
    validate::phone(input.contact_phone.as_deref(), &mut errors);
    validate::note(input.note.as_deref(), &mut errors);
    check_amounts(&input.household, &mut errors);
    if let (Some(point), Some(community)) = (input.service_point_id, &community) {
        let point = service_point::Entity::find_by_id(point).one(db).await?;
        if !point.is_some_and(|p| p.community_code == community.as_str() && p.revoked_at.is_none()) {
            errors.push(FieldError::new(
                "service_point_id",
                "SERVICE_POINT_MISMATCH",
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
    let actor = account::Entity::find_by_id(by.account_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let township = community.parent().ok_or_else(|| ApiError::internal("a community without a township"))?;
    let district = township.parent().ok_or_else(|| ApiError::internal("a township without a district"))?;
    let now = Utc::now();
    let row = application::ActiveModel {
        id: Set(input.id),
        number: Set(None),
        status: Set(Status::Draft.as_str().to_owned()),
        community_code: Set(community.as_str().to_owned()),
        township_code: Set(township.as_str().to_owned()),
        district_code: Set(district.as_str().to_owned()),
        service_point_id: Set(input.service_point_id),
        subject_account_id: Set((by.role == Role::Resident).then_some(by.account_id)),
        actor_account_id: Set(by.account_id),
        actor_role: Set(by.role.as_str().to_owned()),
        actor_helper_kind: Set(actor.helper_kind),
        actor_organisation: Set(actor.organisation),
        contact_phone: Set(input.contact_phone.clone()),
        household: Set(json!(input.household)),
        note: Set(input.note.clone()),
        content_hash: Set(hash.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        paused_on: Set(None),
        resume_status: Set(None),
        materials_due: Set(None),
        missing_documents: Set(None),
        emergency: Set(false),
        emergency_reason: Set(None),
        re_review: Set(false),
        decided_at: Set(None),
        closed_at: Set(None),
    };
    let txn = db.begin().await?;
    let row = match row.insert(&txn).await {
        Ok(row) => row,
        Err(err) => {
            drop(txn);
            // Two copies of one request raced: the loser answers like a retry.
            return match application::Entity::find_by_id(input.id).one(db).await? {
                Some(existing) => same_or_conflict(by, existing, &hash),
                None => Err(err.into()),
            };
        }
    };
    insert_items(&txn, row.id, &items).await?;
    events::record(&txn, row.id, "created", Some((None, Status::Draft)), by, json!({"items": input.items})).await?;
    txn.commit().await?;
    Ok((row, true))
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
    application_item::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// Replaces a draft's items, phone, household facts and note.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    scope: ScopedApplication,
    input: ApplicationUpdateIn,
) -> Result<application::Model, ApiError> {
    scope.ensure_editable()?;
    let mut errors = Vec::new();
    let items = validate::items(db, &input.items, &mut errors).await?;
    validate::phone(input.contact_phone.as_deref(), &mut errors);
    validate::note(input.note.as_deref(), &mut errors);
    check_amounts(&input.household, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let version = scope.application.version;
    if input.version.is_some_and(|read| read != version) {
        return Err(changed_meanwhile());
    }
    let txn = db.begin().await?;
    let id = scope.application.id;
    let mut row = scope.application.into_active_model();
    row.contact_phone = Set(input.contact_phone);
    row.household = Set(json!(input.household));
    row.note = Set(input.note);
    row.version = Set(version + 1);
    row.updated_at = Set(Utc::now());
    let updated = application::Entity::update_many()
        .set(row)
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::Status.eq(Status::Draft.as_str()))
        .filter(application::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(changed_meanwhile());
    }
    application_item::Entity::delete_many().filter(application_item::Column::ApplicationId.eq(id)).exec(&txn).await?;
    insert_items(&txn, id, &items).await?;
    events::record(&txn, id, "updated", None, &scope.principal, json!({"items": input.items})).await?;
    txn.commit().await?;
    application::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Marks the application changed (version and time), in the transaction of the change: a
/// member, a document or a signature.
pub async fn touch(db: &impl sea_orm::ConnectionTrait, app: &application::Model) -> Result<(), ApiError> {
    application::Entity::update_many()
        .col_expr(application::Column::Version, Expr::col(application::Column::Version).add(1))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(app.id))
        .exec(db)
        .await?;
    Ok(())
}

fn changed_meanwhile() -> ApiError {
    ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
        "申请在您编辑期间已被修改,请刷新后再保存。",
        "The draft was changed meanwhile; reload it and save again.",
    ))
}

/// The caller's applications, newest first: residents their own, helpers what they filed and
/// their community's, reviewers and supervisors the submitted ones of their region.
pub async fn list(
    db: &DatabaseConnection,
    by: &Principal,
    query: ApplicationListQuery,
) -> Result<Page<ApplicationSummaryOut>, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let mut select = application::Entity::find().filter(scope_condition(by));
    if let Some(status) = query.status {
        select = select.filter(application::Column::Status.eq(status.as_str()));
    }
    if let Some(cursor) = query.cursor.as_deref() {
        let (at, id) = parse_cursor(cursor)?;
        select = select.filter(
            Condition::any()
                .add(application::Column::CreatedAt.lt(at))
                .add(Condition::all().add(application::Column::CreatedAt.eq(at)).add(application::Column::Id.lt(id))),
        );
    }
    let rows = select
        .order_by_desc(application::Column::CreatedAt)
        .order_by_desc(application::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let items = application_item::Entity::find()
        .filter(application_item::Column::ApplicationId.is_in(ids))
        .order_by_asc(application_item::Column::ItemCode)
        .all(db)
        .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |row| format!("{}~{}", row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), row.id),
        |row| ApplicationSummaryOut {
            items: items.iter().filter(|i| i.application_id == row.id).map(|i| i.item_code.clone()).collect(),
            id: row.id,
            number: row.number,
            status: Status::parse(&row.status).unwrap_or(Status::Draft),
            community_code: row.community_code,
            actor_role: Role::parse(&row.actor_role).unwrap_or(Role::Resident),
            created_at: row.created_at,
            submitted_at: row.submitted_at,
        },
    ))
}

fn scope_condition(by: &Principal) -> Condition {
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
        Role::Admin => Condition::all().add(submitted),
    }
}

fn parse_cursor(raw: &str) -> Result<(chrono::DateTime<Utc>, uuid::Uuid), ApiError> {
    let invalid = || {
        ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(
            "cursor",
            "INVALID_CURSOR",
            Message::new("翻页参数无效,请从第一页重新加载", "Invalid cursor; reload from the first page"),
        )])
    };
    let (at, id) = raw.split_once('~').ok_or_else(invalid)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| invalid())?.with_timezone(&Utc);
    let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok((at, id))
}
