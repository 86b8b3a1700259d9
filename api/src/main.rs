//! The `jiuzhu` binary: parse the command line, load settings, call into the library.

use std::path::PathBuf;
use std::process::ExitCode;

use api::config::Settings;
use api::{Application, health, infra, openapi, telemetry};
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
        Command::Healthcheck => match health::probe::check(&settings.server) {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("jiuzhu: unhealthy: {reason}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Start-up errors go to stderr as one plain line a person can act on, and to the log.
fn fail(err: &dyn std::error::Error) -> ExitCode {
    tracing::error!(error = %err, "jiuzhu failed");
    eprintln!("jiuzhu: {err}");
    ExitCode::FAILURE
}
