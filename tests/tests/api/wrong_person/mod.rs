//! Every operation that names one object refuses the wrong person (issue 24 §4). `table.rs` lists
//! each such operation of the route table with what each wrong person gets; a test fails when the
//! code has one that the table neither covers nor exempts. The others call every operation as
//! each wrong person against objects that exist, assert the refusal (status and problem code),
//! and that no row of any table changed; then the right person reads each object, which proves
//! it exists. Beyond the wrong caller, the table tries the caller's own object with another
//! person's sub-ids (member, document, signature, authorization), a draft before the township's
//! staff, and people who may read an object but hold the wrong role for the step.

mod fixtures;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use table::{Body, CROSS_LEAD_OPS, CROSS_OPS, CROSS_STAFF_OPS, DRAFT, EXEMPT, Group, OPS, RIGHT, WRONG_HAT};
use tests::TestApp;

/// The wrong people: the objects of the fixtures belong to a resident of 和平社区 (青石街道) and
/// are handled by its staff; these are everybody else, and the roles an operation is not for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    /// No token at all.
    Anon,
    /// Another resident, signed in through WeChat.
    Stranger,
    /// A helper of 石岭村 in 白鹤镇 (another community, another township).
    HelperB,
    /// The reviewer of 白鹤镇 (another township).
    ReviewerB,
    /// The platform administrator.
    Admin,
    /// A helper of 和平社区: the right community, the wrong role for an administrator's setting.
    Helper,
    /// The reviewer of 青石街道.
    Reviewer,
    /// The district supervisor.
    Supervisor,
    /// Another helper of 和平社区 (its grid worker), who made none of the fixtures' objects.
    Colleague,
    /// The resident whose application the fixtures are about.
    Owner,
}

/// A token for each wrong person, signed in before the first fingerprint is taken.
pub struct People(BTreeMap<Who, String>);

impl People {
    pub async fn sign_in(app: &TestApp) -> Self {
        let mut tokens = BTreeMap::new();
        tokens.insert(Who::Stranger, app.resident_token("wrong-person-stranger").await);
        tokens.insert(Who::Owner, app.resident_token(fixtures::OWNER).await);
        for (who, username) in [
            (Who::HelperB, "demo-helper-b"),
            (Who::ReviewerB, "demo-reviewer-2"),
            (Who::Admin, "demo-admin"),
            (Who::Helper, "demo-social-worker"),
            (Who::Reviewer, "demo-reviewer"),
            (Who::Supervisor, "demo-supervisor"),
            (Who::Colleague, "demo-grid-worker"),
        ] {
            tokens.insert(who, app.token(username).await);
        }
        Self(tokens)
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.0.get(&who).map(String::as_str)
    }
}

/// The values a group's paths and bodies name: `id`, `member_id`, `version` ...
pub type Params = BTreeMap<&'static str, String>;

fn fill(template: &str, params: &Params) -> String {
    params.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// Tables a refusal may write to: none. Not even the audit trail: a refused request is answered
/// before anything of the person is read.
const MAY_CHANGE: &[&str] = &[];

/// Sends every operation of `group` as each of its wrong people; the mismatches, one line each.
async fn refuse_all(app: &TestApp, people: &People, group: Group, params: &Params) -> Vec<String> {
    let mut wrong = Vec::new();
    let ops = operations_of(group);
    assert!(!ops.is_empty(), "no operation in group {group:?}");
    for (op, refusals) in ops {
        let path = fill(op.path, params);
        assert!(!path.contains('{'), "{} {}: the fixture of {group:?} does not fill {path}", op.method, op.path);
        for &(who, status, code) in refusals {
            let response = send(app, op.method, &path, &op.body, params, people.token(who)).await;
            if let Err(found) = check(response, op.method, status, code).await {
                wrong.push(format!("{} {} as {who:?}: expected {status} {code}, got {found}", op.method, op.path));
            }
        }
    }
    wrong
}

/// The operations of `group` with their refusals. A draft is tried with every application
/// operation that names nothing but the application, by the staff who will see it once submitted.
fn operations_of(group: Group) -> Vec<(&'static table::Op, table::Refusals)> {
    if group == Group::WrongHat {
        return WRONG_HAT
            .iter()
            .map(|&(method, path, refusals)| {
                let op = OPS.iter().find(|op| op.method == method && op.path == path);
                (op.unwrap_or_else(|| panic!("WRONG_HAT names {method} {path}, which OPS has not")), refusals)
            })
            .collect();
    }
    if group == Group::Draft {
        let names_only_the_application = |op: &&table::Op| op.path.matches('{').count() == 1;
        return OPS
            .iter()
            .filter(|op| op.group == Group::Application)
            .filter(names_only_the_application)
            .map(|op| (op, DRAFT))
            .collect();
    }
    OPS.iter()
        .chain(CROSS_OPS)
        .chain(CROSS_STAFF_OPS)
        .chain(CROSS_LEAD_OPS)
        .filter(|op| op.group == group)
        .map(|op| (op, op.refusals))
        .collect()
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    body: &Body,
    params: &Params,
    token: Option<&str>,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match body {
        Body::None => request,
        Body::Json(text) => {
            let text = fill(text, params);
            let json: Value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("body of {path}: {err}: {text}"));
            request.json(&json)
        }
        Body::Multipart(fields) => {
            let filled: Vec<(&str, String)> = fields.iter().map(|(name, value)| (*name, fill(value, params))).collect();
            let fields: Vec<(&str, &str)> = filled.iter().map(|(name, value)| (*name, value.as_str())).collect();
            let (content_type, bytes) = tests::multipart(&fields, &tests::jpeg_bytes(200));
            request.header("Content-Type", content_type).body(bytes)
        }
        Body::Chunk => request
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", "0")
            .header("X-HTTP-Method-Override", "PATCH")
            .body(vec![0_u8; 16]),
    };
    request.send().await.expect("request sent")
}

/// Whether the answer is the refusal: the status, and for a body the problem's code.
async fn check(response: reqwest::Response, method: &str, status: u16, code: &str) -> Result<(), String> {
    let got = response.status().as_u16();
    if method == "HEAD" {
        return if got == status { Ok(()) } else { Err(got.to_string()) };
    }
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body: Value = response.json().await.unwrap_or(Value::Null);
    // `VALIDATION_FAILED:FIELD_CODE`: the problem's code and one of its field errors' codes.
    let (code, field) = code.split_once(':').map_or((code, None), |(code, field)| (code, Some(field)));
    let field_ok = field
        .is_none_or(|field| body["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["code"] == field)));
    let ok = got == status
        && content_type.as_deref() == Some("application/problem+json")
        && body["code"] == code
        && field_ok
        && body["detail"].as_str().is_some_and(|d| !d.is_empty());
    if ok { Ok(()) } else { Err(format!("{got} {}", body["code"].as_str().unwrap_or("(no problem code)"))) }
}

/// Runs `groups` against one app and fails naming every operation that let a wrong person in or
/// refused with another answer than the table says, or that changed a row.
async fn assert_refused(app: &TestApp, people: &People, groups: &[(Group, Params)]) {
    let before = app.table_fingerprints(MAY_CHANGE).await;
    let mut wrong = Vec::new();
    for (group, params) in groups {
        wrong.extend(refuse_all(app, people, *group, params).await);
    }
    let after = app.table_fingerprints(MAY_CHANGE).await;
    let changed: Vec<&String> = before.keys().filter(|table| before.get(*table) != after.get(*table)).collect();
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
    assert!(changed.is_empty(), "refused requests changed rows of {changed:?}");
    for (group, params) in groups {
        assert_right_person_reads(app, people, *group, params).await;
    }
}

/// The right person's read of the group's objects answers 200 (holding the object's id where the
/// table says so): the objects the wrong people were refused exist.
async fn assert_right_person_reads(app: &TestApp, people: &People, group: Group, params: &Params) {
    let reads: Vec<_> = RIGHT.iter().filter(|(g, ..)| *g == group).collect();
    assert!(!reads.is_empty(), "no right-person read for group {group:?} in RIGHT");
    for &&(_, who, method, path, contains) in &reads {
        let path = fill(path, params);
        let response = send(app, method, &path, &Body::None, params, people.token(who)).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, 200, "{method} {path} as {who:?} (the right person): {text}");
        let contains = fill(contains, params);
        assert!(text.contains(&contains), "{method} {path} as {who:?} does not hold {contains}: {text}");
    }
}

/// Every operation of the route table whose path names an object, as (METHOD, path).
fn id_taking_operations() -> BTreeSet<(String, String)> {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().expect("spec")).expect("spec JSON");
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let names_object =
                operation["parameters"].as_array().is_some_and(|params| params.iter().any(|p| p["in"] == "path"));
            if names_object || path.contains('{') {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_operation_that_takes_an_id_has_a_wrong_person_case() {
    let operations = id_taking_operations();
    let covered: BTreeSet<(String, String)> = OPS.iter().map(|op| (op.method.to_owned(), op.path.to_owned())).collect();
    let exempt: BTreeSet<(String, String)> =
        EXEMPT.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    let missing: Vec<String> = operations
        .iter()
        .filter(|op| !covered.contains(*op) && !exempt.contains(*op))
        .map(|(method, path)| {
            format!(
                "{method} {path} has no wrong-person case: add it to OPS in \
                 tests/tests/api/wrong_person/table.rs (its group's fixture, body and refusals), \
                 or to EXEMPT with the reason"
            )
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let stale: Vec<_> = covered.union(&exempt).filter(|op| !operations.contains(*op)).collect();
    assert!(stale.is_empty(), "the table names operations the route table no longer has: {stale:?}");
    assert!(covered.is_disjoint(&exempt), "an operation is both covered and exempt");
    assert_eq!(OPS.len(), covered.len(), "an operation is in OPS twice");
    for op in OPS {
        let anonymous = op.refusals.iter().any(|&(who, status, _)| who == Who::Anon && status == 401);
        let signed_in = op.refusals.iter().filter(|(who, ..)| *who != Who::Anon).count();
        assert!(anonymous && signed_in >= 2, "{} {}: refuse the anonymous caller and two others", op.method, op.path);
    }
}

#[tokio::test]
async fn an_application_its_documents_and_uploads_refuse_the_wrong_person() {
    let app = TestApp::spawn_demo().await;
    let groups = fixtures::application(&app).await;
    let people = People::sign_in(&app).await;
    assert_refused(&app, &people, &groups).await;
}

#[tokio::test]
async fn recipients_checkins_leads_tickets_and_conflicts_refuse_the_wrong_person() {
    let app = TestApp::spawn_demo().await;
    let groups = fixtures::casework(&app).await;
    let people = People::sign_in(&app).await;
    assert_refused(&app, &people, &groups).await;
}

#[tokio::test]
async fn settings_accounts_and_service_points_refuse_the_wrong_role() {
    let app = TestApp::spawn_demo().await;
    let groups = fixtures::settings(&app).await;
    let people = People::sign_in(&app).await;
    assert_refused(&app, &people, &groups).await;
}
