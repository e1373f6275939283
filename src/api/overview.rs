//! The figures on the Overview page.

use leptos::prelude::*;

use crate::{
    domain::{dashboard::Dashboard, overview::Overview},
    error::AppError,
};

#[server(endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::{
        domain::user::Role,
        server::{AppState, auth},
    };

    super::run("get_overview", async {
        let user = auth::require_user().await?;
        let state = expect_context::<AppState>();
        state.overview(user.role == Role::Admin).await
    })
    .await
}

/// The admin dashboard below the figures.
#[server(endpoint = "admin/dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::server::{AppState, auth, dashboard};

    super::run("get_dashboard", async {
        let admin = auth::require_admin().await?;
        dashboard::dashboard(&expect_context::<AppState>(), &admin).await
    })
    .await
}
