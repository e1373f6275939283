//! Admin → Activity. Admins only, checked on the server.

use leptos::prelude::*;

use crate::{domain::activity::ActivityPage, error::AppError};

#[server(endpoint = "admin/activity")]
pub async fn load_activity(action: String, page: i64) -> Result<ActivityPage, AppError> {
    use crate::server::{AppState, activity, auth};

    super::run("load_activity", async {
        let admin = auth::require_admin().await?;
        activity::page(&expect_context::<AppState>(), &admin, &action, page).await
    })
    .await
}
