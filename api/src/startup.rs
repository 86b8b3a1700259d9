//! Builds the running application around an already-bound listener, so tests can bind port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::login::{self, LoginConfigError};
use crate::config::{Settings, VerifierKind};
use crate::http::context::{REQUEST_ID_HEADER, request_context};
use crate::http::fallback::{self, RouteTable};
use crate::http::idempotency::idempotency;
use crate::infra::cache::{Cache, CacheStartError};
use crate::infra::data_exchange::DataExchangeClient;
use crate::infra::db::{self, DbStartError};
use crate::infra::jwt_keys::{JwtKeyError, JwtKeys};
use crate::infra::rate_limit::RateLimiter;
use crate::infra::storage::Storage;
use crate::infra::wechat::WechatClient;
use crate::infra::wechat_face::{self, WechatFace};
use crate::infra::wechat_subscribe::SubscribeClient;
use crate::infra::wechat_token::AccessToken;
use crate::pii::cipher::{PiiCipher, PiiConfigError};
use crate::state::{AppState, SharedState};
use crate::{http, jobs, openapi, routes};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbStartError),
    #[error(transparent)]
    Redis(#[from] CacheStartError),
    #[error(transparent)]
    Auth(#[from] JwtKeyError),
    #[error(transparent)]
    Login(#[from] LoginConfigError),
    #[error(transparent)]
    Pii(#[from] PiiConfigError),
    #[error(transparent)]
    Storage(#[from] crate::infra::storage::StorageConfigError),
    #[error(transparent)]
    Photos(#[from] crate::documents::photos::PhotoConfigError),
    #[error("cannot build an HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error(
        "无法监听 / cannot listen on {addr}: {source}. Set JIUZHU__SERVER__HOST and JIUZHU__SERVER__PORT to a free address."
    )]
    Bind { addr: String, source: std::io::Error },
}

pub struct Application {
    port: u16,
    server: Server,
    state: SharedState,
}

impl Application {
    /// Connects, migrates and binds the configured address.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let addr = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&addr).map_err(|source| StartupError::Bind { addr, source })?;
        Self::build_with_listener(settings, listener).await
    }

    /// Connects, migrates and serves on `listener`.
    pub async fn build_with_listener(settings: Settings, listener: TcpListener) -> Result<Self, StartupError> {
        let db = db::connect(&settings).await?;
        if settings.database.migrate_on_start {
            db::migrate(&db).await?;
        }
        let cache = Cache::from_settings(&settings.redis)?.with_copies(&[crate::progress::cache::KEY_PREFIX]);
        let jwt_keys = JwtKeys::from_settings(&settings.auth, &settings.data_dir.0)?;
        login::check_settings(&settings.wechat)?;
        let wechat_login = WechatClient::from_settings(&settings.wechat).map_err(LoginConfigError::Client)?;
        let pii = PiiCipher::from_settings(&settings.pii, &settings.data_dir.0)?;
        let storage = Storage::from_settings(&settings)?;
        tracing::info!(storage = %storage.describe(), "documents are kept in the {}", storage.describe());
        crate::documents::photos::check_settings(&settings.imaging)?;
        let image_gate = crate::documents::photos::gate(&settings.imaging);
        tracing::info!(jpeg = imaging::JPEG_PATH, "photos are decoded and encoded by {}", imaging::JPEG_PATH);
        let limiter = RateLimiter::new(cache.clone());
        let snapshots = crate::progress::batch::spawn(db.clone());
        let data_exchange = DataExchangeClient::from_settings(&settings.data_exchange)?;
        let wechat_subscribe =
            SubscribeClient::from_settings(&settings.notifications, &settings.wechat, cache.clone())?;
        let wechat_face = wechat_face(&settings, cache.clone())?;
        let state = web::Data::new(AppState {
            db,
            cache,
            local_cache: Cache::in_process(),
            jwt_keys,
            jwt_validation: crate::auth::tokens::validation(&settings.auth),
            pii,
            storage,
            image_gate,
            limiter,
            data_exchange,
            wechat_subscribe,
            wechat_login,
            snapshots,
            wechat_face,
            settings: Arc::new(settings),
        });
        if state.settings.jobs.enabled {
            jobs::spawn(state.clone());
        }
        let addr = listener.local_addr().map_err(|source| StartupError::Bind { addr: "listener".into(), source })?;
        let server =
            serve(state.clone(), listener).map_err(|source| StartupError::Bind { addr: addr.to_string(), source })?;
        tracing::info!(address = %addr, "listening; API docs at http://{addr}/docs/");
        Ok(Self { port: addr.port(), server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> SharedState {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn serve(state: SharedState, listener: TcpListener) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let server_settings = settings.server.clone();
    let spec = openapi::spec();
    let route_table = web::Data::new(RouteTable::from_spec(&spec));
    let mut server = HttpServer::new(move || {
        let cors = cors(&settings.server.cors_allowed_origins);
        App::new()
            .app_data(state.clone())
            .app_data(route_table.clone())
            .configure(|cfg| http::configure_extractors(cfg, settings.server.body_limit_bytes))
            // The spec was built once above; here the same registration only mounts the handlers.
            .configure(|cfg| routes::configure(&mut ServiceConfig::new(cfg)))
            .service(SwaggerUi::new("/docs/{_:.*}").url(openapi::SPEC_PATH, spec.clone()))
            .route(
                "/docs",
                web::get()
                    .to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish() }),
            )
            .default_service(web::to(fallback::not_found))
            // Innermost: it keeps and replays the handler's own answer, before compression.
            .wrap(from_fn(idempotency))
            .wrap(Compress::default())
            .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()))
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "no-referrer"))
                    .add(("Cache-Control", "no-store")),
            )
            .wrap(from_fn(request_context))
    })
    .on_connect(http::connection::on_connect)
    .listen(listener)?
    .shutdown_timeout(server_settings.shutdown_timeout_secs);
    if server_settings.workers > 0 {
        server = server.workers(server_settings.workers);
    }
    Ok(server.run())
}

/// CORS for browser clients; `None` when no origin is configured (the mini program needs none).
fn cors(origins: &[String]) -> Option<Cors> {
    if origins.is_empty() {
        return None;
    }
    let base = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers([REQUEST_ID_HEADER.as_str(), "retry-after", "allow"])
        .max_age(3600);
    Some(if origins.iter().any(|o| o == "*") {
        base.allow_any_origin()
    } else {
        origins.iter().fold(base, |cors, origin| cors.allowed_origin(origin))
    })
}

/// WeChat's face API client when `checkins.verifier` names WeChat; it shares the deployment's
/// access token.
fn wechat_face(settings: &Settings, cache: Cache) -> Result<Option<WechatFace>, reqwest::Error> {
    let checkins = &settings.checkins;
    Ok(match checkins.verifier {
        VerifierKind::Local => {
            tracing::info!("check-ins use the local verifier (face and replay checks only, low assurance, sampled)");
            None
        }
        VerifierKind::Wechat => {
            let base = checkins.wechat_base_url.clone().unwrap_or_else(|| settings.wechat.base_url.clone());
            let http = wechat_face::client(checkins.wechat_timeout_ms)?;
            let token = AccessToken::new(http, &base, settings.wechat.credentials(), cache);
            tracing::info!("check-ins use WeChat face verification");
            Some(WechatFace::new(&base, token))
        }
    })
}
