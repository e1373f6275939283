//! Call Logs: every recording the phones uploaded. For agents and admins.

use leptos::prelude::*;

use crate::{domain::call::CallPage, error::AppError};

/// One page of calls for the filter in `query` (the page's own query string).
#[server(endpoint = "calls/list")]
pub async fn load_calls(query: String) -> Result<CallPage, AppError> {
    use crate::{
        domain::call::CallFilter,
        server::{AppState, auth, calls, report::params_of},
    };

    super::run("load_calls", async {
        auth::require_user().await?;
        let params = params_of(&query);
        let filter = CallFilter::from_params(|k| params.get(k).cloned())?;
        let page = params.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1);
        calls::page(&expect_context::<AppState>(), &filter, page).await
    })
    .await
}
