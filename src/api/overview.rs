//! The figures on the Overview page.

use leptos::prelude::*;

use crate::{
    domain::{dashboard::Dashboard, overview::Home},
    error::AppError,
};

/// The Overview page's data: the figures and, for admins, the dashboard.
#[server(endpoint = "overview")]
pub async fn get_home() -> Result<Home, AppError> {
    use crate::server::{AppState, auth, dashboard};

    super::run("get_home", async {
        let user = auth::require_user().await?;
        dashboard::home(&expect_context::<AppState>(), &user).await
    })
    .await
}

/// The admin dashboard alone (the Overview page carries it too).
#[server(endpoint = "admin/dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::server::{AppState, auth, dashboard};

    super::run("get_dashboard", async {
        let admin = auth::require_admin().await?;
        dashboard::dashboard(&expect_context::<AppState>(), &admin).await
    })
    .await
}
