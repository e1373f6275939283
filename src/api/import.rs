//! Admin → Import: the master system's CSV, uploaded from the browser.

use leptos::{
    prelude::*,
    server_fn::codec::{MultipartData, MultipartFormData},
};

use crate::{domain::import::ImportReport, error::AppError};

/// Rejected lines listed when the import was posted without the WASM.
pub const PLAIN_FORM_LINES: usize = 8;

/// Largest upload accepted (the master export of ~100,000 customers is about 10 MB).
pub const MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Streams the `file` field to a spool file under the data folder (bounded memory), then
/// imports it. The spool file is removed afterwards, whatever happened.
#[server(input = MultipartFormData, endpoint = "admin/import")]
pub async fn import_customers(data: MultipartData) -> Result<ImportReport, AppError> {
    use tokio::io::AsyncWriteExt;

    use crate::server::{AppState, auth, error::internal, import};

    super::run("import_customers", async {
        let admin = auth::require_admin().await?;
        let state = expect_context::<AppState>();
        let storage = &state.config.storage;
        crate::server::upload_gate::ensure_room(&storage.data_dir, storage.min_free_bytes, 0)?;
        let mut form =
            data.into_inner().ok_or_else(|| AppError::invalid("file", "Choose a CSV file to import."))?;
        // Removed when dropped, whatever happens below (see `import::Spool`).
        let spool = import::spool(&state, &admin).await?;
        let unreadable = |e: &dyn std::fmt::Display| {
            AppError::invalid("file", format!("The upload could not be read: {e}"))
        };
        let mut received = None;
        while let Some(mut field) = form.next_field().await.map_err(|e| unreadable(&e))? {
            if field.name() != Some("file") {
                continue;
            }
            let name = field.file_name().unwrap_or("upload.csv").to_owned();
            let mut out = tokio::fs::File::create(spool.path())
                .await
                .map_err(|e| internal("creating the spool file", e))?;
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                size += chunk.len() as u64;
                if size > MAX_UPLOAD_BYTES {
                    return Err(AppError::TooLarge(format!(
                        "The file is larger than {} MB; nothing was imported.",
                        MAX_UPLOAD_BYTES / 1024 / 1024
                    )));
                }
                out.write_all(&chunk).await.map_err(|e| internal("writing the spool file", e))?;
            }
            out.flush().await.map_err(|e| internal("writing the spool file", e))?;
            received = Some((name, size));
        }
        let Some((name, size)) = received else {
            return Err(AppError::invalid("file", "Choose a CSV file to import."));
        };
        if size == 0 {
            return Err(AppError::invalid("file", "The file is empty."));
        }
        let mut report = import::import_upload(&state, &admin, &name, spool).await?;
        // Posted without the WASM, the report goes back to the page in a cookie (4 KB at most):
        // its figures and the first rejected lines; the page says how many more there are.
        if super::plain_form() {
            report.rejected_lines.truncate(PLAIN_FORM_LINES);
        }
        Ok(report)
    })
    .await
}
