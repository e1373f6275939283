//! Exports over HTTP: `GET /v1/customer_contact_updates/export.csv|.xlsx` (record and download
//! in one request), `GET /v1/exports/{id}/download` (the file of an earlier export, for the
//! page) and `POST /v1/exports/{id}/sync` (mark exactly its rows synced).

use axum::{
    Json,
    body::Body,
    extract::{Path, RawQuery, State, rejection::PathRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tokio_util::io::ReaderStream;

use super::ApiAdmin;
use crate::{
    domain::report::{ExportFormat, ReportFilter},
    error::AppError,
    server::{AppState, export, report},
};

fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

/// Streams a written export with its name, its id and its row count in the headers.
fn download(file: export::ExportFile) -> Response {
    let s = &file.summary;
    let mut response = Body::from_stream(ReaderStream::with_capacity(file.file, 64 * 1024)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(s.format)));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.len));
    let disposition = format!("attachment; filename=\"{}\"", export::file_name(s.id, s.format));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert("x-export-id", HeaderValue::from(s.id));
    headers.insert("x-export-rows", HeaderValue::from(s.rows));
    // Generated per request from live data: never from a cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn export_as(
    state: AppState,
    admin: ApiAdmin,
    query: Option<String>,
    format: ExportFormat,
) -> Result<Response, AppError> {
    let params = report::params_of(query.as_deref().unwrap_or_default());
    let filter = ReportFilter::from_params(|k| params.get(k).cloned())?;
    let summary = export::create(&state, &admin.0, &filter, format).await?;
    Ok(download(export::open(&state, &admin.0, summary.id).await?))
}

pub async fn csv(
    State(state): State<AppState>,
    admin: ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    export_as(state, admin, query, ExportFormat::Csv).await
}

pub async fn xlsx(
    State(state): State<AppState>,
    admin: ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    export_as(state, admin, query, ExportFormat::Xlsx).await
}

fn export_id(path: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    path.map(|Path(id)| id).map_err(|_| AppError::invalid("id", "The export id in the path is a number."))
}

pub async fn download_again(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    Ok(download(export::open(&state, &admin, export_id(id)?).await?))
}

#[derive(Debug, Serialize)]
struct SyncJson {
    export_id: i64,
    synced_count: i64,
    skipped_count: i64,
    message: String,
}

pub async fn sync(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = export_id(id)?;
    let outcome = export::sync(&state, &admin, id).await?;
    Ok(Json(SyncJson {
        export_id: id,
        synced_count: outcome.synced_count,
        skipped_count: outcome.skipped_count,
        message: outcome.message(),
    }))
}
