//! The review state machine: which step may be taken from which status, and by whom. The server
//! enforces it; an illegal step is 409 `INVALID_TRANSITION` carrying the current status.

use serde_json::json;

use crate::applications::ScopedApplication;
use crate::error::{ApiError, ErrorCode, Message};
use crate::vocab::Role;
use crate::vocab::Status;

/// A step of the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Return,
    Supplement,
    Investigate,
    Decide,
    EmergencyApprove,
    ConfirmDistrict,
    Close,
    Withdraw,
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The township's reviewer (镇街审核人员).
    Township,
    /// The district's supervisor (区县民政局).
    District,
    /// The resident, or a helper for them.
    ApplicantSide,
}

impl Action {
    /// The statuses the step starts from.
    pub fn from(self) -> &'static [Status] {
        use Status::*;
        match self {
            Self::Accept => &[Submitted],
            Self::Return => &[Submitted, Accepted, Investigating],
            Self::Supplement => &[Returned, Decided],
            // Investigating again re-runs the economic check.
            Self::Investigate => &[Accepted, Investigating],
            Self::Decide => &[Investigating],
            Self::EmergencyApprove => &[Submitted, Accepted, Investigating],
            Self::ConfirmDistrict => &[Investigating, Decided],
            Self::Close => &[Decided],
            Self::Withdraw => &[Submitted, Accepted, Returned, Investigating],
        }
    }

    pub fn actor(self) -> Actor {
        match self {
            Self::Supplement | Self::Withdraw => Actor::ApplicantSide,
            Self::ConfirmDistrict => Actor::District,
            _ => Actor::Township,
        }
    }

    /// The event kind the step writes.
    pub fn event(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Return => "returned",
            Self::Supplement => "supplemented",
            Self::Investigate => "investigation",
            Self::Decide => "decided",
            Self::EmergencyApprove => "emergency_approved",
            Self::ConfirmDistrict => "district_confirmed",
            Self::Close => "closed",
            Self::Withdraw => "withdrawn",
        }
    }
}

/// Refuses the step when the caller may not take it (403) or the application is not where the
/// step starts (409 with the current status and version).
pub fn check(action: Action, scope: &ScopedApplication) -> Result<Status, ApiError> {
    let allowed = match action.actor() {
        Actor::Township => scope.principal().role == Role::TownshipReviewer,
        Actor::District => scope.principal().role == Role::DistrictSupervisor,
        Actor::ApplicantSide => scope.is_applicant_side(),
    };
    if !allowed {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let current = Status::parse(&scope.application().status).unwrap_or(Status::Draft);
    if !action.from().contains(&current) {
        return Err(invalid(current, scope.application().version));
    }
    Ok(current)
}

/// 409 `INVALID_TRANSITION`, naming where the application stands.
pub fn invalid(current: Status, version: i32) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition)
        .with_detail(Message::new(
            format!("该申请当前为\u{201c}{}\u{201d}状态,不能进行此操作,请刷新查看最新进度。", current.name_zh()),
            format!("The application is `{}`; this step is not possible from there. Reload it.", current.as_str()),
        ))
        .with_current(json!({ "status": current, "version": version }))
}

/// 409 `VERSION_CONFLICT`: the version sent is not the record's.
pub fn stale(current: serde_json::Value) -> ApiError {
    ApiError::version_conflict(crate::applications::APPLICATION, current)
}

/// Checks the application version the client sent.
pub fn ensure_version(scope: &ScopedApplication, sent: i32) -> Result<(), ApiError> {
    let app = scope.application();
    if app.version == sent { Ok(()) } else { Err(stale(json!({ "status": app.status, "version": app.version }))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_open_status_can_be_withdrawn_and_nothing_leaves_closed() {
        for status in Status::ALL {
            assert_eq!(Action::Withdraw.from().contains(&status), status.is_open(), "{status:?}");
        }
        let all = [
            Action::Accept,
            Action::Return,
            Action::Supplement,
            Action::Investigate,
            Action::Decide,
            Action::EmergencyApprove,
            Action::ConfirmDistrict,
            Action::Close,
            Action::Withdraw,
        ];
        for action in all {
            assert!(!action.from().contains(&Status::Closed), "{action:?}");
            assert!(!action.from().contains(&Status::Withdrawn), "{action:?}");
            assert!(!action.from().contains(&Status::Draft), "{action:?}");
        }
    }
}
