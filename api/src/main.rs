//! The `jiuzhu` binary: parse the command line, load settings, call into the library.
#![allow(clippy::print_stdout, reason = "the administrative commands report on standard output")]

use std::path::PathBuf;
use std::process::ExitCode;

use api::accounts::model::StaffIn;
use api::config::Settings;
use api::imports::rows::{Format, Kind};
use api::vocab::{HelperKind, Role};
use api::{Application, cli, health, infra, openapi, telemetry};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "jiuzhu", version, about = "Jiuzhu (救助) social-assistance API server")]
struct Cli {
    /// A TOML settings file; environment variables override it.
    #[arg(long, global = true, env = "JIUZHU_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
    /// Exit 0 when the server at the configured address answers /healthz (for container checks).
    Healthcheck,
    /// Create a member of staff; the password is read from the first line of standard input.
    CreateUser(CreateUserArgs),
    /// Create a demo district with townships, communities and staff of every role (idempotent).
    SeedDemo {
        /// The demo accounts' password; a random one is made and printed when absent.
        #[arg(long, env = "JIUZHU_DEMO_PASSWORD")]
        password: Option<String>,
    },
    /// Import a department's file (as `POST /api/v1/imports`); prints the report as JSON.
    Import(ImportArgs),
}

#[derive(clap::Args)]
struct ImportArgs {
    /// medical_expense, disability_certificate, death, hospital_stay, college_admission or unemployment.
    #[arg(long, value_parser = parse_snake::<Kind>)]
    kind: Kind,
    /// csv or jsonl.
    #[arg(long, value_parser = parse_snake::<Format>)]
    format: Format,
    /// The username of the district supervisor (or administrator) importing it.
    #[arg(long = "as")]
    by: String,
    /// The file, UTF-8 or GBK.
    file: PathBuf,
}

fn parse_snake<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| format!("unknown value {raw}"))
}

#[derive(clap::Args)]
struct CreateUserArgs {
    #[arg(long)]
    username: String,
    #[arg(long)]
    display_name: String,
    /// helper, township_reviewer, district_supervisor or admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The region code: a community for helpers, a township for reviewers, a district for supervisors.
    #[arg(long)]
    region: Option<String>,
    /// For helpers: social_worker, grid_worker, assistance_coordinator, community_police or volunteer.
    #[arg(long, value_parser = parse_helper_kind)]
    helper_kind: Option<HelperKind>,
    #[arg(long)]
    organisation: Option<String>,
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| "one of helper, township_reviewer, district_supervisor, admin".to_owned())
}

fn parse_helper_kind(raw: &str) -> Result<HelperKind, String> {
    HelperKind::parse(raw).ok_or_else(|| {
        "one of social_worker, grid_worker, assistance_coordinator, community_police, volunteer".to_owned()
    })
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(err) => return fail(&err),
    };
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match Application::build(settings).await {
            Ok(app) => match app.run_until_stopped().await {
                Ok(()) => {
                    tracing::info!("stopped");
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            },
            Err(err) => fail(&err),
        },
        Command::Migrate => {
            let result = async {
                let db = infra::db::connect(&settings).await?;
                infra::db::migrate(&db).await
            };
            match result.await {
                Ok(()) => {
                    tracing::info!("migrations applied");
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            }
        }
        Command::Openapi => match openapi::spec_json() {
            Ok(json) => {
                use std::io::Write;
                match std::io::stdout().write_all(json.as_bytes()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(err) => fail(&err),
                }
            }
            Err(err) => fail(&err),
        },
        Command::CreateUser(args) => create_user(&settings, args).await,
        Command::SeedDemo { password } => match cli::seed_demo(&settings, password).await {
            Ok(report) => {
                println!("demo district 500199 渝州示范区 is ready; catalog: {} aid items", report.catalog_items);
                println!("created: {}", report.created.join(", "));
                if !report.existing.is_empty() {
                    println!("already there (password unchanged): {}", report.existing.join(", "));
                }
                println!("password of the created accounts: {}", report.password);
                ExitCode::SUCCESS
            }
            Err(err) => fail(&err),
        },
        Command::Import(args) => match cli::import(&settings, &args.by, args.kind, args.format, args.file).await {
            Ok(report) => match serde_json::to_string_pretty(&report) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            },
            Err(err) => fail(&err),
        },
        Command::Healthcheck => match health::probe::check(&settings.server) {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("jiuzhu: unhealthy: {reason}");
                ExitCode::FAILURE
            }
        },
    }
}

async fn create_user(settings: &Settings, args: CreateUserArgs) -> ExitCode {
    let mut password = String::new();
    if let Err(err) = std::io::stdin().read_line(&mut password) {
        return fail(&err);
    }
    let input = StaffIn {
        username: args.username,
        display_name: args.display_name,
        role: args.role,
        region_code: args.region,
        helper_kind: args.helper_kind,
        organisation: args.organisation,
        password: password.trim_end_matches(['\r', '\n']).to_owned(),
    };
    match cli::create_user(settings, input).await {
        Ok(account) => {
            println!("created {} {} ({})", account.role, account.username.unwrap_or_default(), account.id);
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

/// Start-up errors go to stderr as one plain line a person can act on, and to the log.
fn fail(err: &dyn std::error::Error) -> ExitCode {
    tracing::error!(error = %err, "jiuzhu failed");
    eprintln!("jiuzhu: {err}");
    ExitCode::FAILURE
}
