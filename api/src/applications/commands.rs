//! The online entry points of the draft's commands: each begins the command's unit of work,
//! calls the service code the offline sync shares (which takes a transaction) and commits it.

use entity::application;

use super::members::{self, Put};
use super::model::{ApplicationIn, ApplicationUpdateIn, MemberIn};
use super::{Lookups, ScopedApplication, service};
use crate::error::ApiError;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;

/// A new draft, or the same one again: the row and whether it is new.
pub async fn create(
    state: &AppState,
    by: &Principal,
    input: ApplicationIn,
) -> Result<(application::Model, bool), ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let created = service::create(uow.txn(), &mut Lookups::default(), by, input).await?;
    uow.commit(state).await?;
    Ok(created)
}

pub async fn update(
    state: &AppState,
    scope: ScopedApplication,
    input: ApplicationUpdateIn,
) -> Result<application::Model, ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let row = service::update(uow.txn(), &mut Lookups::default(), scope, input).await?;
    uow.commit(state).await?;
    Ok(row)
}

pub async fn put_member(
    state: &AppState,
    scope: &ScopedApplication,
    member_id: uuid::Uuid,
    input: MemberIn,
) -> Result<Put, ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let put = members::put(uow.txn(), &state.pii, scope, member_id, input).await?;
    uow.commit(state).await?;
    Ok(put)
}

/// The application as it is after the member left.
pub async fn delete_member(
    state: &AppState,
    scope: &ScopedApplication,
    member_id: uuid::Uuid,
) -> Result<application::Model, ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let app = members::delete(uow.txn(), scope, member_id).await?;
    uow.commit(state).await?;
    Ok(app)
}
