//! The progress answer from PostgreSQL: the application, its items and its events. The cache
//! holds exactly this, so both paths give the same answer.

use entity::{aid_item, application, application_event, application_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::model::{NextStepOut, ProgressItemOut, ProgressOut, TimelineEntryOut};
use crate::error::ApiError;
use crate::vocab::DocumentType;
use crate::vocab::RejectReason;
use crate::vocab::{ItemStatus, Status};

/// Event kinds whose note is addressed to the applicant.
const NOTE_FOR_APPLICANT: [&str; 6] =
    ["returned", "decided", "emergency_approved", "district_confirmed", "withdrawn", "supplemented"];

pub async fn load(db: &impl ConnectionTrait, app: &application::Model) -> Result<ProgressOut, ApiError> {
    let items = application_item::Entity::find()
        .find_also_related(aid_item::Entity)
        .filter(application_item::Column::ApplicationId.eq(app.id))
        .order_by_asc(aid_item::Column::SortOrder)
        .all(db)
        .await?;
    let events = events(db, app.id).await?;
    Ok(assemble(app, &items, &events))
}

/// The application's events, in the order the timeline shows them.
pub async fn events(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<Vec<application_event::Model>, ApiError> {
    Ok(application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(id))
        .order_by_asc(application_event::Column::OccurredAt)
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?)
}

/// The answer from rows the caller holds (items with their catalog rows, in catalog order).
pub fn assemble(
    app: &application::Model,
    items: &[(application_item::Model, Option<aid_item::Model>)],
    events: &[application_event::Model],
) -> ProgressOut {
    let status = Status::parse(&app.status).unwrap_or(Status::Draft);
    let items: Vec<ProgressItemOut> = items.iter().map(|(item, catalog)| item_out(item, catalog.as_ref())).collect();
    let expected_decision_date = items
        .iter()
        .filter(|i| i.status.awaits_township() || i.status == ItemStatus::PendingDistrict)
        .filter_map(|i| i.due_date)
        .max();
    ProgressOut {
        application_id: app.id,
        number: app.number.clone(),
        status,
        status_name: status.name_zh().to_owned(),
        emergency: app.emergency,
        next_step: next_step(app, status, &items),
        items,
        timeline: events.iter().filter(|e| e.kind != "document_flagged").map(timeline_entry).collect(),
        expected_decision_date: if status == Status::Returned { None } else { expected_decision_date },
        version: app.version,
        updated_at: app.updated_at,
    }
}

fn item_out(item: &application_item::Model, catalog: Option<&aid_item::Model>) -> ProgressItemOut {
    let status = ItemStatus::parse(&item.status).unwrap_or(ItemStatus::Draft);
    let reasons: Vec<RejectReason> =
        item.reasons.clone().and_then(|r| serde_json::from_value(r).ok()).unwrap_or_default();
    ProgressItemOut {
        code: item.item_code.clone(),
        name: catalog.map_or_else(|| item.item_code.clone(), |c| c.name.clone()),
        status,
        status_name: status.name_zh().to_owned(),
        amount_fen: item.amount_fen.filter(|_| status == ItemStatus::Approved),
        reasons: reasons.into_iter().map(|r| r.name_zh().to_owned()).collect(),
        due_date: item.due_date,
        sla_state: item.sla_state.clone(),
    }
}

fn timeline_entry(event: &application_event::Model) -> TimelineEntryOut {
    let note = NOTE_FOR_APPLICANT
        .contains(&event.kind.as_str())
        .then(|| event.details.get("note").and_then(|n| n.as_str()).map(str::to_owned))
        .flatten();
    TimelineEntryOut {
        title: title(&event.kind).to_owned(),
        kind: event.kind.clone(),
        from_status: event.from_status.clone(),
        to_status: event.to_status.clone(),
        actor_role: event.actor_role.clone(),
        at: event.occurred_at,
        note,
    }
}

fn title(kind: &str) -> &'static str {
    match kind {
        "created" => "开始填写申请",
        "updated" => "修改申请内容",
        "authorization_signed" => "签署经济状况核对授权书",
        "authorization_revoked" => "撤回授权书",
        "submitted" => "申请已提交",
        "accepted" => "镇街已受理",
        "returned" => "需要补充材料",
        "supplemented" => "已补充材料",
        "investigation" => "开展调查核实(含家庭经济状况核对)",
        "decided" => "镇街作出审批决定",
        "emergency_approved" => "急难情形先行救助",
        "district_confirmed" => "区县作出确认",
        "closed" => "已办结",
        "withdrawn" => "申请已撤回",
        _ => "办理记录",
    }
}

fn next_step(app: &application::Model, status: Status, items: &[ProgressItemOut]) -> NextStepOut {
    let missing: Vec<DocumentType> =
        app.missing_documents.clone().and_then(|m| serde_json::from_value(m).ok()).unwrap_or_default();
    let step = |who: &str, code: &str, message: String| NextStepOut {
        who: who.to_owned(),
        code: code.to_owned(),
        message,
        missing: Vec::new(),
        due_date: None,
    };
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|d| d.name_zh()).collect();
        return NextStepOut {
            message: format!("请在截止日期前补充:{},上传后点击\u{201c}提交补正\u{201d}。", names.join("、")),
            missing,
            due_date: app.materials_due,
            ..step("applicant", "supplement_materials", String::new())
        };
    }
    let district = items.iter().any(|i| i.status == ItemStatus::PendingDistrict);
    match status {
        Status::Draft => {
            step("applicant", "complete_and_submit", "请补齐信息、照片和授权书签字后提交申请。".to_owned())
        }
        Status::Submitted => step("township", "wait_for_acceptance", "申请已提交,等待镇街受理。".to_owned()),
        Status::Accepted => {
            step("township", "wait_for_investigation", "镇街已受理,将开展入户调查和经济状况核对。".to_owned())
        }
        Status::Investigating | Status::Decided if district => {
            step("district", "wait_for_district", "镇街已提出意见,等待区县民政部门确认。".to_owned())
        }
        Status::Investigating => step("township", "wait_for_decision", "正在调查核实,请保持电话畅通。".to_owned()),
        Status::Returned => step("applicant", "supplement_materials", "请按要求补充材料。".to_owned()),
        Status::Decided | Status::Closed => step("none", "done", "已作出审批决定,请查看各事项结果。".to_owned()),
        Status::Withdrawn => step("none", "done", "申请已撤回。如仍有困难,可随时重新申请。".to_owned()),
    }
}
