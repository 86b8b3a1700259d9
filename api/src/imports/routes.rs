use actix_web::{HttpResponse, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa::IntoParams;

use super::rows::{Format, Kind};
use super::service::{self, Report};
use crate::auth::principal::{Authorized, Importers};
use crate::error::{ApiError, ErrorCode, Message, Problem};
use crate::http::Query;
use crate::state::SharedState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// What the file reports.
    #[param(inline)]
    pub kind: Kind,
    /// `csv` (a header row first) or `jsonl` (one JSON object per line).
    #[param(inline)]
    pub format: Format,
}

/// Import a department's monthly file (district supervisors; administrators as a data feed, the
/// report names no one). The body is the file as it is:
/// UTF-8 or GBK, CSV or JSON lines. Each record is checked; a bad one is reported with its line,
/// field and reason and the rest are imported. The same file again answers the first report and
/// changes nothing; a record another file brought already is counted as a duplicate. People are
/// kept by the ID blind index only.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Imported, or imported before (`repeated`)", body = Report),
        (status = 400, description = "An unknown `kind` or `format`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a district supervisor or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 4 GiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a table: not UTF-8 or GBK text, or a needed column missing (`IMPORT_FILE_INVALID`, what to fix in `detail`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/imports")]
pub async fn import_file(
    state: SharedState,
    caller: Authorized<Importers>,
    query: Query<ImportQuery>,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let dir = state.settings.data_dir.0.join("imports");
    tokio::fs::create_dir_all(&dir).await.map_err(ApiError::internal)?;
    let path = dir.join(format!("{}.part", uuid::Uuid::now_v7()));
    // A department file may be large (a month of a district is about 200,000 records): it is
    // streamed to disk, never held in memory, up to `server.import_max_bytes`.
    let spooled = spool(&mut body, &path, state.settings.server.import_max_bytes).await;
    let report = match spooled {
        Ok(()) => {
            let months = state.settings.review.monitoring_review_months;
            let by = caller.principal.account_id;
            service::import(&state.db, &state.pii, by, query.kind, query.format, path.clone(), months).await
        }
        Err(err) => Err(err),
    };
    // The spooled copy goes either way; the records are in the database.
    let _ = tokio::fs::remove_file(&path).await;
    Ok(HttpResponse::Ok().json(report?))
}

/// Writes the body to `path` as it arrives.
async fn spool(body: &mut web::Payload, path: &std::path::Path, max_bytes: u64) -> Result<(), ApiError> {
    let mut file = tokio::fs::File::create(path).await.map_err(ApiError::internal)?;
    let mut written = 0_u64;
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|_| ApiError::new(ErrorCode::BadRequest))?;
        written += piece.len() as u64;
        if written > max_bytes {
            let mib = max_bytes.div_ceil(1 << 20);
            return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_detail(Message::new(
                format!("单个导入文件不能超过 {mib} MB,请按月或按乡镇拆分后分别导入。"),
                format!("An import file is at most {mib} MiB; split it by month or township."),
            )));
        }
        file.write_all(&piece).await.map_err(ApiError::internal)?;
    }
    file.flush().await.map_err(ApiError::internal)?;
    Ok(())
}
