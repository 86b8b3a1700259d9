//! The table: every operation of the route table whose path names one object, with the request a
//! wrong person sends and the refusal each wrong person gets; and the operations where "wrong
//! person" means nothing, each with the reason.

use super::Who::{self, Admin, Anon, Colleague, Helper, HelperB, Owner, Reviewer, ReviewerB, Stranger, Supervisor};

/// The body of the request a wrong person sends: valid for the right person, so that a route
/// that lets the wrong one in answers something else than the refusal (and the test sees it).
/// `{name}` is replaced by the fixture's value of `name`.
pub enum Body {
    None,
    Json(&'static str),
    /// `multipart/form-data` with these text fields and a photo.
    Multipart(&'static [(&'static str, &'static str)]),
    /// A tus chunk (`application/offset+octet-stream` at offset 0).
    Chunk,
}

/// Which fixture fills the path: `{id}` is the application in one and the lead in another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Application,
    /// The caller's own draft, with the ids of another person's members, documents and signatures.
    CrossApplication,
    /// An application of 石岭村 that the staff of 白鹤镇 may read, with the ids of another
    /// township's application's members, documents and signatures.
    CrossStaff,
    /// A resident's draft, not yet submitted: the staff of its township and district do not see it.
    Draft,
    /// The submitted application again, by people who may read it but wear the wrong hat.
    WrongHat,
    Wallet,
    Upload,
    Recipient,
    Checkin,
    CheckinTask,
    Lead,
    /// The lead, assigned by its own reviewer to a helper of another township.
    CrossLead,
    Ticket,
    Conflict,
    Staff,
    RegionStaff,
    Reference,
    Precheck,
    Rule,
    ServicePoint,
}

pub type Refusals = &'static [(Who, u16, &'static str)];

pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub group: Group,
    pub body: Body,
    pub refusals: Refusals,
}

const UNAUTH: (Who, u16, &str) = (Anon, 401, "UNAUTHENTICATED");
const NOT_FOUND: &str = "NOT_FOUND";
const FORBIDDEN: &str = "FORBIDDEN";
const NOT_CASE_WORKER: &str = "ADMIN_NOT_CASE_WORKER";

/// An application and what hangs off it (scoped by `ScopedApplication`): whoever may not see it
/// gets 404; an administrator is no case worker.
const CASE: Refusals = &[
    UNAUTH,
    (Stranger, 404, NOT_FOUND),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// Staff work on a recipient of 和平社区 (check-ins, tasks, leads, tickets): a resident is refused
/// by role, staff elsewhere do not see it.
const STAFF_CASE: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A lead of 青石街道: besides the staff elsewhere, a helper of the very community sees only the
/// leads assigned to her.
const LEAD: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 404, NOT_FOUND),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// Township and district work on it (reviewing a check-in, answering or closing a ticket):
/// helpers and residents are refused by role, the reviewer of another township does not see it.
const REVIEW_CASE: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (HelperB, 403, FORBIDDEN),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// Stopping or resuming a recipient's payment: the township's reviewer's only, so the helper of
/// her own community is refused by role too.
const PAYMENT: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A home-visit task: the community's helpers close it; the township's reviewer, who may list
/// it, finds none to close.
const TASK: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Reviewer, 404, NOT_FOUND),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A ticket the district closes (an emergency approval's re-review): the township answers it but
/// does not close it; the district closes it but does not answer for the township.
const TICKET_ANSWER: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (Supervisor, 403, FORBIDDEN),
    (HelperB, 403, FORBIDDEN),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];
const TICKET_CLOSE: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (Reviewer, 403, "TICKET_CLOSED_BY_DISTRICT"),
    (HelperB, 403, FORBIDDEN),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A check-in's selfie: for the reviewer of its township and, while a visit task for the person
/// is open (as in the fixture), the helpers of her community; the district does not look.
const SELFIE: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Supervisor, 403, "SELFIE_RESTRICTED"),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A helper's visit to a recipient: a helper of another community does not see her; whoever is
/// no helper is refused by role.
const HELPER_CASE: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 403, FORBIDDEN),
    (Admin, 403, NOT_CASE_WORKER),
];

/// Administrators' settings: everybody else is refused by role.
const ADMIN_ONLY: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (Reviewer, 403, FORBIDDEN),
    (Supervisor, 403, FORBIDDEN),
];

/// The district's settings: the district supervisor's only (the administrator is no case
/// worker).
const DISTRICT_ONLY: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (Reviewer, 403, FORBIDDEN),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A helper's sync conflict: helpers elsewhere and reviewers of another township do not see it;
/// residents and the administrator are refused by role.
const CONFLICT: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Colleague, 404, NOT_FOUND),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 404, NOT_FOUND),
    (Admin, 403, FORBIDDEN),
];

/// A resident's own document, by id: another resident does not see it; staff have no wallet.
const WALLET: Refusals = &[
    UNAUTH,
    (Stranger, 404, NOT_FOUND),
    (Helper, 403, FORBIDDEN),
    (HelperB, 403, FORBIDDEN),
    (Admin, 403, NOT_CASE_WORKER),
];

/// A resident's upload: nobody else sees it; reviewers do not upload.
const UPLOAD: Refusals = &[
    UNAUTH,
    (Stranger, 404, NOT_FOUND),
    (Helper, 404, NOT_FOUND),
    (HelperB, 404, NOT_FOUND),
    (ReviewerB, 403, FORBIDDEN),
    (Admin, 403, NOT_CASE_WORKER),
];

/// The staff of a township, by region code (`ScopedRegion`): the region tree is public, so staff
/// of other regions are refused with 403, as are residents.
/// A helper of 和平社区 works below the township, not in it.
const REGION: Refusals = &[
    UNAUTH,
    (Stranger, 403, FORBIDDEN),
    (Helper, 403, FORBIDDEN),
    (HelperB, 403, FORBIDDEN),
    (ReviewerB, 403, FORBIDDEN),
];

/// A service point's QR code, for the staff of its region to print (`ScopedServicePoint`):
/// staff elsewhere do not see it, residents are refused by role.
const POINT: Refusals = &[UNAUTH, (Stranger, 403, FORBIDDEN), (HelperB, 404, NOT_FOUND), (ReviewerB, 404, NOT_FOUND)];

const fn op(method: &'static str, path: &'static str, group: Group, body: Body, refusals: Refusals) -> Op {
    Op { method, path, group, body, refusals }
}

use Body::{Chunk, Json, Multipart, None as NoBody};
use Group::*;

const APP: &str = "/api/v1/applications/{id}";

pub const OPS: &[Op] = &[
    op("GET", APP, Application, NoBody, CASE),
    op("PUT", APP, Application, Json(r#"{"items": ["dibao"], "version": {version}}"#), CASE),
    op("POST", "/api/v1/applications/{id}/accept", Application, Json(r#"{"version": {version}}"#), CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/attachments",
        Application,
        Json(r#"{"document_id": "{document_id}", "type": "income_proof"}"#),
        CASE,
    ),
    op(
        "POST",
        "/api/v1/applications/{id}/authorizations",
        Application,
        Json(
            r#"{"id": "{new_id}", "text_version": "x", "text_sha256": "x", "scope": ["bank_deposits"], "signer_member_id": "{member_id}", "capacity": "self", "covers": ["{member_id}"], "signature_document_id": "{document_id}", "device": "iPhone"}"#,
        ),
        CASE,
    ),
    op(
        "POST",
        "/api/v1/applications/{id}/authorizations/{authorization_id}/revoke",
        Application,
        Json(r#"{"reason": "家属要求撤回授权"}"#),
        CASE,
    ),
    op("GET", "/api/v1/applications/{id}/checklist", Application, NoBody, CASE),
    op("POST", "/api/v1/applications/{id}/close", Application, Json(r#"{"version": {version}}"#), CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/decision",
        Application,
        Json(
            r#"{"items": [{"code": "dibao", "version": {item_version}, "outcome": "approved", "amount_fen": 68000}]}"#,
        ),
        CASE,
    ),
    op("POST", "/api/v1/applications/{id}/documents", Application, Multipart(&[("type", "income_proof")]), CASE),
    op("DELETE", "/api/v1/applications/{id}/documents/{document_id}", Application, NoBody, CASE),
    op("GET", "/api/v1/applications/{id}/documents/{document_id}/content", Application, NoBody, CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/emergency-approval",
        Application,
        Json(
            r#"{"version": {version}, "reason": "disaster", "items": [{"code": "dibao", "amount_fen": 68000}], "note": "房屋倒塌急需救助"}"#,
        ),
        CASE,
    ),
    op("POST", "/api/v1/applications/{id}/investigation", Application, Json(r#"{"version": {version}}"#), CASE),
    op("GET", "/api/v1/applications/{id}/investigations", Application, NoBody, CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/items/{code}/district-confirmation",
        Application,
        Json(r#"{"version": {item_version}, "outcome": "approved", "amount_fen": 68000}"#),
        CASE,
    ),
    op(
        "PUT",
        "/api/v1/applications/{id}/members/{member_id}",
        Application,
        Json(r#"{"name": "王五", "relation": "self", "id_number": "{id_number}"}"#),
        CASE,
    ),
    op("DELETE", "/api/v1/applications/{id}/members/{member_id}", Application, NoBody, CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/members/{member_id}/reveal-id-number",
        Application,
        Json(r#"{"reason": "核对户籍信息"}"#),
        CASE,
    ),
    op("GET", "/api/v1/applications/{id}/progress", Application, NoBody, CASE),
    op(
        "POST",
        "/api/v1/applications/{id}/return",
        Application,
        Json(r#"{"version": {version}, "missing": ["income_proof"], "note": "请补充收入证明"}"#),
        CASE,
    ),
    op("POST", "/api/v1/applications/{id}/submit", Application, Json("{}"), CASE),
    op("POST", "/api/v1/applications/{id}/supplement", Application, Json(r#"{"version": {version}}"#), CASE),
    op("POST", "/api/v1/applications/{id}/withdraw", Application, Json(r#"{"version": {version}}"#), CASE),
    op("GET", "/api/v1/me/documents/{document_id}/content", Wallet, NoBody, WALLET),
    op("HEAD", "/api/v1/uploads/{id}", Upload, NoBody, UPLOAD),
    op("PATCH", "/api/v1/uploads/{id}", Upload, Chunk, UPLOAD),
    op("POST", "/api/v1/uploads/{id}", Upload, Chunk, UPLOAD),
    op("GET", "/api/v1/recipients/{id}", Recipient, NoBody, STAFF_CASE),
    op(
        "POST",
        "/api/v1/recipients/{id}/checkins",
        Recipient,
        Multipart(&[("performed_at", "{now}"), ("location_note", "家中")]),
        HELPER_CASE,
    ),
    op("POST", "/api/v1/recipients/{id}/resumption", Recipient, Json(r#"{"note": "本人已回到户籍地"}"#), PAYMENT),
    op(
        "POST",
        "/api/v1/recipients/{id}/suspension",
        Recipient,
        Json(r#"{"reason": "moved_away", "note": "已迁往外地", "task_id": "{task_id}"}"#),
        PAYMENT,
    ),
    op("POST", "/api/v1/checkins/{id}/review", Checkin, Json(r#"{"verdict": "doubtful"}"#), REVIEW_CASE),
    op("GET", "/api/v1/checkins/{id}/selfie", Checkin, NoBody, SELFIE),
    op(
        "POST",
        "/api/v1/checkins/tasks/{id}/close",
        CheckinTask,
        Json(r#"{"finding": "moved_away", "note": "入户走访,已搬走"}"#),
        TASK,
    ),
    op("GET", "/api/v1/monitoring/leads/{id}", Lead, NoBody, LEAD),
    op(
        "POST",
        "/api/v1/monitoring/leads/{id}/assign",
        Lead,
        Json(r#"{"helper_id": "{helper_id}", "version": 1}"#),
        LEAD,
    ),
    op("POST", "/api/v1/monitoring/leads/{id}/close", Lead, Json(r#"{"outcome": "not_needed", "version": 1}"#), LEAD),
    op(
        "POST",
        "/api/v1/monitoring/leads/{id}/visit",
        Lead,
        Json(r#"{"note": "入户走访,情况属实", "version": 1}"#),
        LEAD,
    ),
    op(
        "POST",
        "/api/v1/supervision/tickets/{id}/answer",
        Ticket,
        Json(r#"{"explanation": "已补交材料"}"#),
        TICKET_ANSWER,
    ),
    op("POST", "/api/v1/supervision/tickets/{id}/close", Ticket, Json(r#"{"outcome": "入户核查属实"}"#), TICKET_CLOSE),
    op(
        "POST",
        "/api/v1/sync/conflicts/{id}/resolve",
        Conflict,
        Json(r#"{"resolution": "discarded", "note": "以服务器为准"}"#),
        CONFLICT,
    ),
    op("PATCH", "/api/v1/staff/{id}", Staff, Json(r#"{"display_name": "改名"}"#), ADMIN_ONLY),
    op("GET", "/api/v1/regions/{code}/staff", RegionStaff, NoBody, REGION),
    op(
        "PUT",
        "/api/v1/catalog/items/{code}",
        Reference,
        Json(
            r#"{"name": "低保", "department": "民政", "conditions": "收入低于标准", "required_documents": ["income_proof"], "time_limit_working_days": 30, "approval_level": "township"}"#,
        ),
        ADMIN_ONLY,
    ),
    op("PUT", "/api/v1/calendar/{year}", Reference, Json(r#"{"holidays": [], "workdays": []}"#), ADMIN_ONLY),
    op(
        "PUT",
        "/api/v1/precheck/rules/{code}",
        Precheck,
        Json(r#"{"dibao_standard_fen": 68000, "rules": []}"#),
        ADMIN_ONLY,
    ),
    op(
        "PUT",
        "/api/v1/monitoring/rules/{code}",
        Rule,
        Json(r#"{"name": "救助对象死亡", "kind": "recipient_death", "level": "yellow", "deadline_days": 3}"#),
        DISTRICT_ONLY,
    ),
    op("GET", "/api/v1/service-points/{id}/qrcode.png", ServicePoint, NoBody, POINT),
    op("POST", "/api/v1/service-points/{id}/revoke", ServicePoint, Json("{}"), ADMIN_ONLY),
];

/// The caller's own draft named by `{id}`, with the id of something of another person's
/// application beside it: not found, as if it did not exist. These are the operations whose path
/// (or body) names a second object that must belong to the first.
const MINE_WITH_THEIRS: Refusals = &[(Stranger, 404, NOT_FOUND)];

pub const CROSS_OPS: &[Op] = &[
    op(
        "POST",
        "/api/v1/applications/{id}/authorizations/{authorization_id}/revoke",
        CrossApplication,
        Json(r#"{"reason": "家属要求撤回授权"}"#),
        MINE_WITH_THEIRS,
    ),
    op("DELETE", "/api/v1/applications/{id}/documents/{document_id}", CrossApplication, NoBody, MINE_WITH_THEIRS),
    op("DELETE", "/api/v1/applications/{id}/documents/{signature_id}", CrossApplication, NoBody, MINE_WITH_THEIRS),
    op("GET", "/api/v1/applications/{id}/documents/{document_id}/content", CrossApplication, NoBody, MINE_WITH_THEIRS),
    op("GET", "/api/v1/applications/{id}/documents/{signature_id}/content", CrossApplication, NoBody, MINE_WITH_THEIRS),
    op("DELETE", "/api/v1/applications/{id}/members/{member_id}", CrossApplication, NoBody, MINE_WITH_THEIRS),
    // Member ids are made by the phone: one taken by another application is the API's 409 for a
    // client-made id reused with other content, and moves nobody.
    op(
        "PUT",
        "/api/v1/applications/{id}/members/{member_id}",
        CrossApplication,
        Json(r#"{"name": "王五", "relation": "spouse", "id_number": "{id_number}"}"#),
        &[(Stranger, 409, "CONFLICT")],
    ),
    op(
        "POST",
        "/api/v1/applications/{id}/attachments",
        CrossApplication,
        Json(r#"{"document_id": "{document_id}", "type": "income_proof"}"#),
        MINE_WITH_THEIRS,
    ),
    op(
        "POST",
        "/api/v1/applications/{id}/authorizations",
        CrossApplication,
        Json(
            r#"{"id": "{new_id}", "text_version": "{text_version}", "text_sha256": "{text_sha256}", "scope": ["bank_deposits"], "signer_member_id": "{own_member_id}", "capacity": "self", "covers": ["{own_member_id}"], "signature_document_id": "{signature_id}", "device": "iPhone"}"#,
        ),
        // A signature named in the body that is not on this application: the field error a
        // made-up id gets (`SIGNATURE_NOT_FOUND`), not a hint that it is someone else's.
        &[(Stranger, 422, "VALIDATION_FAILED:SIGNATURE_NOT_FOUND")],
    ),
];

/// A draft is the resident's until she submits it: the reviewer of its very township and the
/// district supervisor do not see it.
pub const DRAFT: Refusals = &[(Reviewer, 404, NOT_FOUND), (Supervisor, 404, NOT_FOUND)];

/// Staff who may read the application named by `{id}`, with the id of something of an
/// application they may not read: not found.
const THEIRS_BESIDE_OURS: Refusals = &[(HelperB, 404, NOT_FOUND), (ReviewerB, 404, NOT_FOUND)];

pub const CROSS_STAFF_OPS: &[Op] = &[
    op("GET", "/api/v1/applications/{id}/documents/{document_id}/content", CrossStaff, NoBody, THEIRS_BESIDE_OURS),
    op("GET", "/api/v1/applications/{id}/documents/{signature_id}/content", CrossStaff, NoBody, THEIRS_BESIDE_OURS),
    op(
        "POST",
        "/api/v1/applications/{id}/members/{member_id}/reveal-id-number",
        CrossStaff,
        Json(r#"{"reason": "核对户籍信息"}"#),
        // Revealing is the reviewers' and the district's: a helper is refused by role.
        &[(HelperB, 403, FORBIDDEN), (ReviewerB, 404, NOT_FOUND)],
    ),
    op(
        "POST",
        "/api/v1/applications/{id}/authorizations/{authorization_id}/revoke",
        CrossStaff,
        Json(r#"{"reason": "家属要求撤回授权"}"#),
        // Revoking is the applicant's side's: a reviewer is refused by role.
        &[(HelperB, 404, NOT_FOUND), (ReviewerB, 403, FORBIDDEN)],
    ),
];

pub const CROSS_LEAD_OPS: &[Op] = &[op(
    "POST",
    "/api/v1/monitoring/leads/{id}/assign",
    CrossLead,
    Json(r#"{"helper_id": "{helper_id}", "version": 1}"#),
    // The person it is handed to is the wrong one: the field error `NOT_A_TOWNSHIP_HELPER`.
    &[(Reviewer, 422, "VALIDATION_FAILED:NOT_A_TOWNSHIP_HELPER")],
)];

/// The applicant's side does not review: her own application, and the helper of her community.
const REVIEWERS_WORK: Refusals = &[(Owner, 403, FORBIDDEN), (Helper, 403, FORBIDDEN)];
/// The township does not act for the applicant: the reviewer who may read the application.
const APPLICANTS_WORK: Refusals = &[(Reviewer, 403, FORBIDDEN)];

/// Operations of the application that people who may read it must not do, by (method, path) of
/// `OPS` (its body and fixture), with the refusal.
pub const WRONG_HAT: &[(&str, &str, Refusals)] = &[
    ("POST", "/api/v1/applications/{id}/accept", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/return", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/investigation", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/decision", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/emergency-approval", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/close", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/items/{code}/district-confirmation", REVIEWERS_WORK),
    ("POST", "/api/v1/applications/{id}/members/{member_id}/reveal-id-number", REVIEWERS_WORK),
    ("PUT", "/api/v1/applications/{id}", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/submit", APPLICANTS_WORK),
    ("PUT", "/api/v1/applications/{id}/members/{member_id}", APPLICANTS_WORK),
    ("DELETE", "/api/v1/applications/{id}/members/{member_id}", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/documents", APPLICANTS_WORK),
    ("DELETE", "/api/v1/applications/{id}/documents/{document_id}", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/attachments", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/authorizations", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/authorizations/{authorization_id}/revoke", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/supplement", APPLICANTS_WORK),
    ("POST", "/api/v1/applications/{id}/withdraw", APPLICANTS_WORK),
];

/// Operations whose path names an object but where "wrong person" means nothing, and why.
pub const EXEMPT: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/catalog/items/{code}", "public reference data: the aid catalog is the same for everybody"),
    ("GET", "/api/v1/calendar/{year}", "public reference data: the working-day calendar is the same for everybody"),
    ("GET", "/api/v1/precheck/rules/{code}", "public reference data: a district's pre-check rules are published"),
];

/// What the right person does get, for each group: a read (after the refusals) that proves the
/// fixture's objects exist, so that no 404 above is a 404 for a made-up id. `{id}` in `contains`
/// is the object's id, which the answer must hold.
pub const RIGHT: &[(Group, Who, &str, &str, &str)] = &[
    (Application, Owner, "GET", "/api/v1/applications/{id}", "{id}"),
    (Application, Owner, "GET", "/api/v1/applications/{id}/documents/{document_id}/content", ""),
    (Application, Reviewer, "GET", "/api/v1/applications/{id}/investigations", ""),
    (CrossApplication, Stranger, "GET", "/api/v1/applications/{id}", "{own_member_id}"),
    (CrossStaff, ReviewerB, "GET", "/api/v1/applications/{id}", "{id}"),
    (Draft, Stranger, "GET", "/api/v1/applications/{id}/checklist", ""),
    (WrongHat, Helper, "GET", "/api/v1/applications/{id}", "{id}"),
    (Wallet, Owner, "GET", "/api/v1/me/documents/{document_id}/content", ""),
    (Upload, Owner, "HEAD", "/api/v1/uploads/{id}", ""),
    (Recipient, Helper, "GET", "/api/v1/recipients/{id}", "{id}"),
    (Checkin, Reviewer, "GET", "/api/v1/checkins/{id}/selfie", ""),
    (CheckinTask, Helper, "GET", "/api/v1/checkins/tasks?status=open", "{id}"),
    (Lead, Reviewer, "GET", "/api/v1/monitoring/leads/{id}", "{id}"),
    (CrossLead, Reviewer, "GET", "/api/v1/monitoring/leads/{id}", "{id}"),
    (Ticket, Reviewer, "GET", "/api/v1/supervision/tickets", "{id}"),
    (Conflict, Helper, "GET", "/api/v1/sync/conflicts?status=open", "{id}"),
    (Staff, Supervisor, "GET", "/api/v1/regions/500199001001/staff", "{id}"),
    (RegionStaff, Reviewer, "GET", "/api/v1/regions/{code}/staff", ""),
    (Reference, Anon, "GET", "/api/v1/catalog/items/{code}", "{code}"),
    (Precheck, Anon, "GET", "/api/v1/precheck/rules/{code}", ""),
    (Rule, Supervisor, "GET", "/api/v1/monitoring/rules", ""),
    (ServicePoint, Helper, "GET", "/api/v1/service-points/{id}/qrcode.png", ""),
];
