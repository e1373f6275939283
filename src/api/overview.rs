//! The figures on the Overview page.

use leptos::prelude::*;

use crate::{domain::overview::Overview, error::AppError};

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
