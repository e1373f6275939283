//! Admin → Contact Updates: the report and the master-system sync. Admins only, checked on the
//! server; the filter travels as the page's own query string and is parsed there.

use leptos::prelude::*;

use crate::{
    domain::report::{ExportFormat, ExportSummary, ReportPage, SyncOutcome},
    error::AppError,
};

#[server(endpoint = "admin/contact-updates/list")]
pub async fn load_report(query: String) -> Result<ReportPage, AppError> {
    use crate::server::{AppState, auth, export, report};

    super::run("load_report", async {
        let admin = auth::require_admin().await?;
        let state = expect_context::<AppState>();
        let mut page = report::page(&state, &admin, &query).await?;
        page.exports = export::recent(&state, &admin, 5).await?;
        Ok(page)
    })
    .await
}

/// Records and writes an export of the filter of `query`; the page then downloads it from
/// [`ExportSummary::download_url`].
#[server(endpoint = "admin/contact-updates/export")]
pub async fn create_export(query: String, format: ExportFormat) -> Result<ExportSummary, AppError> {
    use crate::{
        domain::report::ReportFilter,
        server::{AppState, auth, export, report},
    };

    super::run("create_export", async {
        let admin = auth::require_admin().await?;
        let params = report::params_of(&query);
        let filter = ReportFilter::from_params(|k| params.get(k).cloned())?;
        export::create(&expect_context::<AppState>(), &admin, &filter, format).await
    })
    .await
}

/// Marks synced exactly the updates an export contained (those still pending).
#[server(endpoint = "admin/contact-updates/sync-export")]
pub async fn sync_export(id: i64) -> Result<SyncOutcome, AppError> {
    use crate::server::{AppState, auth, export};

    super::run("sync_export", async {
        let admin = auth::require_admin().await?;
        export::sync(&expect_context::<AppState>(), &admin, id).await
    })
    .await
}

/// Marks the selected updates synced.
#[server(endpoint = "admin/contact-updates/sync")]
pub async fn sync_updates(ids: Vec<i64>) -> Result<SyncOutcome, AppError> {
    use crate::server::{AppState, auth, report};

    super::run("sync_updates", async {
        let admin = auth::require_admin().await?;
        report::sync_ids(&expect_context::<AppState>(), &admin, &ids).await
    })
    .await
}

/// Marks synced everything matching the filter of `query` that existed at `as_of`.
#[server(endpoint = "admin/contact-updates/sync-matching")]
pub async fn sync_matching(query: String, as_of: i64) -> Result<SyncOutcome, AppError> {
    use crate::{
        domain::report::ReportFilter,
        server::{AppState, auth, report},
    };

    super::run("sync_matching", async {
        let admin = auth::require_admin().await?;
        let params = report::params_of(&query);
        let filter = ReportFilter::from_params(|k| params.get(k).cloned())?;
        report::sync_matching(&expect_context::<AppState>(), &admin, &filter, as_of).await
    })
    .await
}

#[server(endpoint = "admin/contact-updates/reject")]
pub async fn reject_update(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{AppState, auth, report};

    super::run("reject_update", async {
        let admin = auth::require_admin().await?;
        report::reject(&expect_context::<AppState>(), &admin, id, &reason).await.map(|_| ())
    })
    .await
}
