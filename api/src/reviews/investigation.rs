//! The investigation's economic check: the household's members, as pseudonymous references, are
//! checked by the data-exchange service under the signed authorization; the findings are kept
//! with the investigation. An outage changes nothing (503, try again); a refusal is recorded.

use chrono::Utc;
use entity::{authorization, household_member, investigation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::machine::{self, Action};
use super::model::StepIn;
use super::service::{self, Move};
use crate::applications::ScopedApplication;
use crate::applications::model::ApplicationOut;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, field_note};
use crate::infra::data_exchange::{CheckRequest, DataExchangeError};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Status;

/// One economic check as reviewers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestigationOut {
    pub id: Uuid,
    pub authorization_id: Uuid,
    /// `completed`, `failed` or `not_configured` (no data-exchange service: investigate by hand).
    pub status: String,
    pub requested_by: Uuid,
    pub requested_at: chrono::DateTime<Utc>,
    /// The findings as the data-exchange service sent them.
    #[schema(value_type = Option<Object>)]
    pub results: Option<Value>,
    pub error: Option<String>,
}

/// Starts the investigation (or runs the economic check again during it).
pub async fn investigate(
    state: &AppState,
    scope: &ScopedApplication,
    input: StepIn,
) -> Result<ApplicationOut, ApiError> {
    let from = machine::check(Action::Investigate, scope)?;
    machine::ensure_version(scope, input.version)?;
    let note = field_note("note", input.note.as_deref(), 0)?;
    let app = scope.application();
    let consents = authorization::Entity::find()
        .filter(authorization::Column::ApplicationId.eq(app.id))
        .filter(authorization::Column::RevokedAt.is_null())
        .order_by_asc(authorization::Column::SignedAt)
        .all(&state.db)
        .await?;
    let consent = consents.first().ok_or_else(no_consent)?;
    let consent_ids: Vec<Uuid> = consents.iter().map(|c| c.id).collect();
    let members = household_member::Entity::find()
        .filter(household_member::Column::ApplicationId.eq(app.id))
        .all(&state.db)
        .await?;
    let subjects: Vec<String> = members.iter().map(|m| subject_ref(state, &m.id_number_index)).collect();
    let scope_list: Vec<String> = serde_json::from_value(consent.scope.clone()).unwrap_or_default();
    let id = Uuid::now_v7();
    let request = CheckRequest {
        request_id: id,
        consent_id: consent.id,
        consent_ids: &consent_ids,
        subjects: &subjects,
        scope: &scope_list,
        region_code: &app.township_code,
    };
    let outcome = state.data_exchange.check(&request).await;
    let row = |status: &str, results: Option<Value>, error: Option<String>| investigation::ActiveModel {
        id: Set(id),
        application_id: Set(app.id),
        authorization_id: Set(consent.id),
        subject_ref: Set(subjects.first().cloned().unwrap_or_default()),
        status: Set(status.to_owned()),
        requested_by: Set(scope.principal().account_id),
        requested_at: Set(Utc::now()),
        results: Set(results),
        error: Set(error),
    };
    let (status, results) = match outcome {
        Ok(findings) => ("completed", Some(findings)),
        Err(DataExchangeError::NotConfigured) => {
            tracing::warn!("no data-exchange service configured: the investigation goes on without an economic check");
            ("not_configured", None)
        }
        Err(err) => {
            tracing::warn!(error = %err, application_id = %app.id, "economic check failed");
            row("failed", None, Some(err.to_string().chars().take(300).collect())).insert(&state.db).await?;
            return Err(match err {
                DataExchangeError::Unavailable(_) => {
                    ApiError::new(ErrorCode::DataExchangeUnavailable).with_retry_after(30)
                }
                _ => ApiError::new(ErrorCode::DataExchangeError),
            });
        }
    };
    let mut uow = UnitOfWork::begin(&state.db).await?;
    row(status, results, None).insert(uow.txn()).await?;
    let details = json!({ "investigation_id": id, "economic_check": status, "note": note });
    if from == Status::Accepted {
        let step = Move { scope, action: Action::Investigate, from, to: Status::Investigating, set: vec![], details };
        service::move_to(&mut uow, step).await?;
    } else {
        service::record_step(&mut uow, scope, Action::Investigate, details).await?;
    }
    service::finish(uow, state, app.id).await
}

/// The economic checks of an application, newest first (staff of its region; reads audited).
pub async fn list(state: &AppState, scope: &ScopedApplication) -> Result<Vec<InvestigationOut>, ApiError> {
    if !matches!(scope.principal().role, crate::vocab::Role::TownshipReviewer | crate::vocab::Role::DistrictSupervisor)
    {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    scope.audit_staff_read(&state.db, "investigation.read", ("application", scope.application().id)).await?;
    let rows = investigation::Entity::find()
        .filter(investigation::Column::ApplicationId.eq(scope.application().id))
        .order_by_desc(investigation::Column::RequestedAt)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| InvestigationOut {
            id: r.id,
            authorization_id: r.authorization_id,
            status: r.status,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            results: r.results,
            error: r.error,
        })
        .collect())
}

/// A person's pseudonymous reference for the data exchange: a keyed hash of the blind index,
/// separate from every other use of the key. Never the ID number.
pub fn subject_ref(state: &AppState, id_number_index: &str) -> String {
    crate::hex::encode(&state.pii.mac("data-exchange-subject", id_number_index.as_bytes()))
}

fn no_consent() -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
        "authorizations",
        FieldCode::MissingSignature,
        Message::new(
            "该申请没有有效的授权书,无法核对家庭经济状况;请退回申请人补签授权书。",
            "No valid authorization: the economic check needs one; return the application for a new signature.",
        ),
    )])
}
