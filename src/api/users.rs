//! Admin → Users. Every function here is for admins only, checked on the server.

use leptos::prelude::*;

use crate::{domain::user::UserSummary, error::AppError};

#[server(endpoint = "admin/users/list")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::server::{AppState, accounts, auth};

    super::run("list_users", async {
        let admin = auth::require_admin().await?;
        accounts::list(&expect_context::<AppState>(), &admin).await
    })
    .await
}

#[server(endpoint = "admin/users/create")]
pub async fn create_user(
    username: String,
    name: String,
    role: String,
    password: String,
) -> Result<UserSummary, AppError> {
    use crate::{
        domain::user::NewUser,
        server::{AppState, accounts, auth},
    };

    super::run("create_user", async {
        let admin = auth::require_admin().await?;
        let new_user = NewUser::parse(&username, &name, &role, &password)?;
        accounts::create(&expect_context::<AppState>(), &admin, new_user).await
    })
    .await
}

#[server(endpoint = "admin/users/set-active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::{AppState, accounts, auth};

    super::run("set_user_active", async {
        let admin = auth::require_admin().await?;
        accounts::set_active(&expect_context::<AppState>(), &admin, id, active).await
    })
    .await
}

#[server(endpoint = "admin/users/reset-password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    use crate::{
        domain::user::NewPassword,
        server::{AppState, accounts, auth},
    };

    super::run("reset_password", async {
        let admin = auth::require_admin().await?;
        let password = NewPassword::parse(&password)?;
        accounts::reset_password(&expect_context::<AppState>(), &admin, id, password).await
    })
    .await
}
