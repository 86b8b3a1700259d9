//! Administrative commands of the `jiuzhu` binary: `create-user`, `seed-demo` and `import`. They go through
//! the same services (and rules, and audit log) as the HTTP API.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::account;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::accounts::model::StaffIn;
use crate::accounts::service as accounts;
use crate::config::Settings;
use crate::error::ApiError;
use crate::infra::cache::Cache;
use crate::infra::db;
use crate::regions::model::RegionIn;
use crate::regions::service as regions;
use crate::vocab::RegionCode;
use crate::vocab::{HelperKind, Role};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Database(#[from] db::DbStartError),
    #[error("{0}")]
    Refused(String),
}

impl From<ApiError> for CliError {
    fn from(err: ApiError) -> Self {
        let fields: Vec<String> =
            err.errors().iter().map(|e| format!("{}: {} ({})", e.field, e.message.en, e.code)).collect();
        Self::Refused(if fields.is_empty() { err.to_string() } else { fields.join("; ") })
    }
}

async fn open(settings: &Settings) -> Result<DatabaseConnection, CliError> {
    let conn = db::connect(settings).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

/// Creates one member of staff; returns the new account.
pub async fn create_user(settings: &Settings, input: StaffIn) -> Result<account::Model, CliError> {
    let conn = open(settings).await?;
    Ok(accounts::create_staff(&conn, None, input).await?)
}

/// Imports a department file (see `imports::service`) as the district supervisor or
/// administrator with username `by`: the same checks and report as `POST /api/v1/imports`.
pub async fn import(
    settings: &Settings,
    by: &str,
    kind: crate::imports::rows::Kind,
    format: crate::imports::rows::Format,
    path: std::path::PathBuf,
) -> Result<crate::imports::service::Report, CliError> {
    let conn = open(settings).await?;
    let account = account::Entity::find()
        .filter(account::Column::Username.eq(by))
        .one(&conn)
        .await
        .map_err(ApiError::from)?
        .filter(|a| a.active && [Role::DistrictSupervisor.as_str(), Role::Admin.as_str()].contains(&a.role.as_str()))
        .ok_or_else(|| CliError::Refused(format!("no active district supervisor or administrator named {by}")))?;
    let cipher = crate::pii::cipher::PiiCipher::from_settings(&settings.pii, &settings.data_dir.0)
        .map_err(|err| CliError::Refused(err.to_string()))?;
    crate::imports::service::import(
        &conn,
        &cipher,
        account.id,
        kind,
        format,
        path,
        settings.review.monitoring_review_months,
    )
    .await
    .map_err(|err| CliError::Refused(err.problem(crate::request::Lang::Zh, None).detail))
}

/// The demo district's regions: code and name.
pub const DEMO_REGIONS: [(&str, &str); 6] = [
    ("500199", "渝州示范区"),
    ("500199001", "青石街道"),
    ("500199002", "白鹤镇"),
    ("500199001001", "和平社区"),
    ("500199001002", "新华社区"),
    ("500199002001", "石岭村"),
];

/// The demo staff: username, name, role, region, helper kind, organisation.
type DemoStaff = (&'static str, &'static str, Role, Option<&'static str>, Option<HelperKind>, Option<&'static str>);

pub const DEMO_STAFF: [DemoStaff; 10] = [
    ("demo-admin", "平台管理员", Role::Admin, None, None, None),
    ("demo-supervisor", "区民政局督导员", Role::DistrictSupervisor, Some("500199"), None, Some("渝州示范区民政局")),
    ("demo-reviewer", "青石街道审核员", Role::TownshipReviewer, Some("500199001"), None, Some("青石街道社会事务办")),
    ("demo-reviewer-2", "白鹤镇审核员", Role::TownshipReviewer, Some("500199002"), None, Some("白鹤镇社会事务办")),
    (
        "demo-social-worker",
        "和平社区社工",
        Role::Helper,
        Some("500199001001"),
        Some(HelperKind::SocialWorker),
        Some("青石社工服务站"),
    ),
    ("demo-grid-worker", "和平社区网格员", Role::Helper, Some("500199001001"), Some(HelperKind::GridWorker), None),
    (
        "demo-coordinator",
        "和平社区救助协理员",
        Role::Helper,
        Some("500199001001"),
        Some(HelperKind::AssistanceCoordinator),
        None,
    ),
    (
        "demo-police",
        "和平社区民警",
        Role::Helper,
        Some("500199001001"),
        Some(HelperKind::CommunityPolice),
        Some("青石派出所"),
    ),
    ("demo-volunteer", "志愿跑手", Role::Helper, Some("500199001001"), Some(HelperKind::Volunteer), None),
    ("demo-helper-b", "石岭村网格员", Role::Helper, Some("500199002001"), Some(HelperKind::GridWorker), None),
];

/// What `seed_demo` did.
pub struct SeedReport {
    pub password: String,
    pub catalog_items: usize,
    pub created: Vec<String>,
    pub existing: Vec<String>,
}

/// The demo staff as creation requests, all with `password`.
pub fn demo_staff(password: &str) -> Vec<StaffIn> {
    DEMO_STAFF
        .iter()
        .map(|(username, name, role, region, kind, organisation)| StaffIn {
            username: (*username).to_owned(),
            display_name: (*name).to_owned(),
            role: *role,
            region_code: region.map(str::to_owned),
            helper_kind: *kind,
            organisation: organisation.map(str::to_owned),
            password: password.to_owned(),
        })
        .collect()
}

/// Creates the demo district (regions, one account per role and helper kind, the 13-item catalog and
/// its pre-check rules, a 低保 recipient whose check-in is open now). Safe to run
/// again: what exists is left alone. Without `password` a random one is made and reported.
pub async fn seed_demo(settings: &Settings, password: Option<String>) -> Result<SeedReport, CliError> {
    let conn = open(settings).await?;
    let cache = Cache::in_process();
    for (code, name) in DEMO_REGIONS {
        regions::create(&conn, &cache, None, RegionIn { code: code.to_owned(), name: name.to_owned() }).await?;
    }
    let password = match password {
        Some(password) => password,
        None => random_password()?,
    };
    let catalog_items = crate::catalog::seed::seed(&conn).await?;
    crate::precheck::seed::seed(&conn, &demo_district()?).await?;
    let mut report =
        SeedReport { password: password.clone(), catalog_items, created: Vec::new(), existing: Vec::new() };
    for input in demo_staff(&password) {
        let username = input.username.clone();
        let exists = account::Entity::find()
            .filter(account::Column::Username.eq(username.as_str()))
            .one(&conn)
            .await
            .map_err(ApiError::from)?
            .is_some();
        if exists {
            report.existing.push(username);
            continue;
        }
        accounts::create_staff(&conn, None, input).await?;
        report.created.push(username);
    }
    if crate::demo::recipient_due_now(&conn, settings).await? {
        report.created.push(format!("recipient {} (check-in open now)", crate::demo::RECIPIENT_CODE));
    }
    Ok(report)
}

/// The demo district, whose pre-check rules `seed_demo` sets.
pub fn demo_district() -> Result<RegionCode, CliError> {
    RegionCode::parse(DEMO_REGIONS[0].0).map_err(|err| CliError::Refused(err.to_string()))
}

fn random_password() -> Result<String, CliError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|err| CliError::Refused(err.to_string()))?;
    // Letters and digits are both required; the suffix guarantees them.
    Ok(format!("{}Jz7", URL_SAFE_NO_PAD.encode(bytes)))
}
