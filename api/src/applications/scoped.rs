//! `ScopedApplication`: the application named by the `{id}` path segment, loaded and checked
//! against the caller before the handler runs. Whoever may not see it gets 404, never a hint that
//! it exists: another resident, a helper of another community, staff of another township. A
//! platform administrator is refused before anything is read (403 `ADMIN_NOT_CASE_WORKER`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use entity::application;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;
use crate::vocab::Principal;
use crate::vocab::RegionCode;
use crate::vocab::Role;
use crate::vocab::Status;

/// Made only by [`ScopedApplication::load`] or [`ScopedApplication::authorise`], so holding one
/// means the check was made: by the route's extractor and by sync alike.
pub struct ScopedApplication {
    principal: Principal,
    application: application::Model,
}

/// Whether `principal` may see `app`: residents their own (as applicant or as the one who filled
/// it in), helpers their community's and what they filed, reviewers and supervisors submitted
/// ones in their region; administrators none.
pub fn may_read(principal: &Principal, app: &application::Model) -> bool {
    may_read_facts(principal, app.subject_account_id, app.actor_account_id, &app.community_code, &app.status)
}

/// `may_read` on the facts it needs, for readers that hold them without the row (the cache).
pub fn may_read_facts(
    principal: &Principal,
    subject: Option<Uuid>,
    actor: Uuid,
    community: &str,
    status: &str,
) -> bool {
    let submitted = status != Status::Draft.as_str();
    match principal.role {
        Role::Admin => false,
        Role::Resident => subject == Some(principal.account_id) || actor == principal.account_id,
        Role::Helper => actor == principal.account_id || covers(principal, community),
        Role::TownshipReviewer | Role::DistrictSupervisor => submitted && covers(principal, community),
    }
}

fn covers(principal: &Principal, community: &str) -> bool {
    RegionCode::parse(community).is_ok_and(|code| principal.covers(&code))
}

impl ScopedApplication {
    /// Application `id`, read from `db`, if `principal` may see it: 404 for anyone else, 403
    /// `ADMIN_NOT_CASE_WORKER` for an administrator before anything is read.
    pub async fn load(db: &impl ConnectionTrait, principal: Principal, id: Uuid) -> Result<Self, ApiError> {
        principal.ensure_case_worker()?;
        let application =
            application::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        Self::authorise(principal, application)
    }

    /// `application`, already read (by a sync batch that holds it), if `principal` may see it:
    /// the same answers as [`ScopedApplication::load`].
    pub fn authorise(principal: Principal, application: application::Model) -> Result<Self, ApiError> {
        principal.ensure_case_worker()?;
        if !may_read(&principal, &application) {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        Ok(Self { principal, application })
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn application(&self) -> &application::Model {
        &self.application
    }

    pub fn into_application(self) -> application::Model {
        self.application
    }

    pub fn into_parts(self) -> (Principal, application::Model) {
        (self.principal, self.application)
    }

    /// Changes to a draft: by the applicant's side only (the resident, or a helper of the
    /// community); after submit nobody edits the applicant's data.
    pub fn ensure_editable(&self) -> Result<(), ApiError> {
        let p = &self.principal;
        let allowed = match p.role {
            Role::Resident => true,
            Role::Helper => covers(p, &self.application.community_code),
            _ => false,
        };
        if !allowed {
            return Err(ApiError::new(ErrorCode::Forbidden));
        }
        if self.application.status != Status::Draft.as_str() {
            return Err(locked());
        }
        Ok(())
    }

    /// Adding documents: to a draft, or when the township asked for materials (a return, or
    /// an emergency approval whose materials are still to come), by the applicant's side.
    pub fn ensure_documents_welcome(&self) -> Result<(), ApiError> {
        let app = &self.application;
        let asked = app.status == Status::Returned.as_str() || app.missing_documents.is_some();
        if !asked {
            return self.ensure_editable();
        }
        let p = &self.principal;
        let applicant_side = match p.role {
            Role::Resident => true,
            Role::Helper => covers(p, &app.community_code),
            _ => false,
        };
        if applicant_side { Ok(()) } else { Err(ApiError::new(ErrorCode::Forbidden)) }
    }

    /// Whether the caller acts for the applicant: the resident themselves, or a helper of the
    /// community (or the one who filed it).
    pub fn is_applicant_side(&self) -> bool {
        let p = &self.principal;
        match p.role {
            Role::Resident => true,
            Role::Helper => {
                self.application.actor_account_id == p.account_id || covers(p, &self.application.community_code)
            }
            _ => false,
        }
    }

    /// Audits a staff read of this person's file (`target` of it); the helper who filed the
    /// application reads their own work unaudited, residents are never audited.
    pub async fn audit_staff_read(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        action: &'static str,
        target: (&'static str, Uuid),
    ) -> Result<(), ApiError> {
        if !self.principal.role.is_staff() || self.application.actor_account_id == self.principal.account_id {
            return Ok(());
        }
        AuditEvent::new(action)
            .by(&self.principal)
            .on(target.0, target.1)
            .in_region(Some(&self.application.community_code))
            .details(serde_json::json!({ "application_id": self.application.id }))
            .record(db)
            .await?;
        Ok(())
    }
}

/// The answer to any change of a submitted application's data.
pub fn locked() -> ApiError {
    ApiError::new(ErrorCode::ApplicationLocked)
}

impl FromRequest for ScopedApplication {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Principal::from_request(req, payload).into_inner();
        let state = req.app_data::<SharedState>().cloned();
        let raw = req.match_info().get("id").unwrap_or_default().to_owned();
        Box::pin(async move {
            let principal = caller?;
            principal.ensure_case_worker()?;
            let state = state.ok_or_else(|| ApiError::internal("application state is not registered"))?;
            let id = Uuid::parse_str(&raw).map_err(|_| ApiError::new(ErrorCode::NotFound))?;
            Self::load(&state.db, principal, id).await
        })
    }
}
