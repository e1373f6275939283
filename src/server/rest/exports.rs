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
use utoipa::ToSchema;

use super::{
    ApiAdmin,
    openapi::{Binary, ErrorBody, FORBIDDEN_ADMIN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
    path_id,
    report::FilterQuery,
};
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

/// Export the report as CSV (admin)
///
/// Records an export of every update matching the filter now (the list's filters; no paging)
/// and answers its file, for the master system's import. New leads are left out unless `leads`
/// asks for them. `X-Export-Id` names the export, to download it again or to sync exactly its
/// rows.
#[utoipa::path(
    get,
    path = "/v1/customer_contact_updates/export.csv",
    operation_id = "export_csv",
    tag = "exports",
    params(FilterQuery),
    responses(
        (status = 200, description = "The file: a header row, then one row per update.",
            content_type = "text/csv; charset=utf-8", body = String,
            headers(
                ("X-Export-Id" = i64, description = "The export's id."),
                ("X-Export-Rows" = i64, description = "The number of updates in the file."),
                ("Content-Disposition" = String, description = "`attachment` with the file's name."),
            )),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "A query parameter is invalid; each is named in `fields`.", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn csv(
    State(state): State<AppState>,
    admin: ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    export_as(state, admin, query, ExportFormat::Csv).await
}

/// Export the report as Excel (admin)
///
/// Like the CSV export, as an `.xlsx` workbook for people; at most 1,048,575 rows (one sheet).
#[utoipa::path(
    get,
    path = "/v1/customer_contact_updates/export.xlsx",
    operation_id = "export_xlsx",
    tag = "exports",
    params(FilterQuery),
    responses(
        (status = 200, description = "The workbook.",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary,
            headers(
                ("X-Export-Id" = i64, description = "The export's id."),
                ("X-Export-Rows" = i64, description = "The number of updates in the file."),
                ("Content-Disposition" = String, description = "`attachment` with the file's name."),
            )),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "A query parameter is invalid, or more rows match than fit in one sheet (field `format`); each is named in `fields`.", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn xlsx(
    State(state): State<AppState>,
    admin: ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    export_as(state, admin, query, ExportFormat::Xlsx).await
}

/// Download an export again (admin)
///
/// The file of an earlier export, as it was written (files are kept for a day).
#[utoipa::path(
    get,
    path = "/v1/exports/{id}/download",
    operation_id = "download_export",
    tag = "exports",
    params(("id" = i64, Path, description = "The export's id (`X-Export-Id`).")),
    responses(
        (status = 200, description = "The file, CSV or Excel as it was exported.",
            content(
                (String = "text/csv; charset=utf-8"),
                (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(
                ("X-Export-Id" = i64, description = "The export's id."),
                ("X-Export-Rows" = i64, description = "The number of updates in the file."),
                ("Content-Disposition" = String, description = "`attachment` with the file's name."),
            )),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 404, description = "No export has this id, or its file is no longer kept (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn download_again(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    Ok(download(export::open(&state, &admin, path_id(id, "export")?).await?))
}

/// What syncing an export did.
#[derive(Debug, Serialize, ToSchema)]
struct ExportSynced {
    export_id: i64,
    /// The export's updates marked synced now.
    synced_count: i64,
    /// The export's updates left as they were (already synced or rejected since).
    skipped_count: i64,
    /// The counts in words.
    message: String,
}

/// Mark an export's updates synced (admin)
///
/// Marks synced exactly the updates the export contained that are still pending, so an update
/// captured after the export is never synced unseen. `synced_by` is always the caller.
#[utoipa::path(
    post,
    path = "/v1/exports/{id}/sync",
    operation_id = "sync_export",
    tag = "exports",
    params(("id" = i64, Path, description = "The export's id (`X-Export-Id`).")),
    responses(
        (status = 200, description = "The counts.", body = ExportSynced),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 404, description = "No export has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn sync(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = path_id(id, "export")?;
    let outcome = export::sync(&state, &admin, id).await?;
    Ok(Json(ExportSynced {
        export_id: id,
        synced_count: outcome.synced_count,
        skipped_count: outcome.skipped_count,
        message: outcome.message(),
    }))
}
