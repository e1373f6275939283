//! Managing accounts: the rules behind Admin → Users, each change written to the audit log.

use super::{
    AppState,
    auth::{Admin, hash_password_async},
    db::users::InsertUserError,
    time::now_ms,
};
use crate::{
    domain::user::{NewPassword, NewUser, Role, UserSummary},
    error::AppError,
};

/// Every account, for Admin → Users.
pub async fn list(state: &AppState, _admin: &Admin) -> Result<Vec<UserSummary>, AppError> {
    Ok(state.db.list_users().await?.into_iter().map(UserSummary::from).collect())
}

pub async fn create(state: &AppState, admin: &Admin, user: NewUser) -> Result<UserSummary, AppError> {
    let hash = hash_password_async(user.password.expose().to_owned()).await?;
    let now = now_ms();
    let id = state
        .db
        .insert_user(user.username.as_str(), user.name.as_str(), user.role, &hash, now)
        .await
        .map_err(|e| match e {
            InsertUserError::UsernameTaken => AppError::invalid(
                "username",
                format!("The username {} is already taken.", user.username.as_str()),
            ),
            InsertUserError::Db(e) => e.into(),
        })?;
    state
        .db
        .audit(Some(admin.id), "user.create", &format!("{} ({})", user.username.as_str(), user.role), now)
        .await?;
    tracing::info!(admin = admin.id, user_id = id, "user created");
    let row = state.db.user_by_id(id).await?.ok_or(AppError::Internal)?;
    Ok(row.into())
}

pub async fn set_active(state: &AppState, admin: &Admin, id: i64, active: bool) -> Result<(), AppError> {
    let target = state.db.user_by_id(id).await?.ok_or_else(|| AppError::NotFound("No such user.".into()))?;
    if !active {
        if id == admin.id {
            return Err(AppError::Conflict("You cannot deactivate your own account.".into()));
        }
        if target.role() == Role::Admin && target.active && state.db.count_active_admins().await? <= 1 {
            return Err(AppError::Conflict("The last active admin cannot be deactivated.".into()));
        }
    }
    let now = now_ms();
    state.db.set_user_active(id, active, now).await?;
    let action = if active { "user.reactivate" } else { "user.deactivate" };
    state.db.audit(Some(admin.id), action, &target.username, now).await?;
    tracing::info!(admin = admin.id, user_id = id, active, "user activation changed");
    Ok(())
}

pub async fn reset_password(
    state: &AppState,
    admin: &Admin,
    id: i64,
    password: NewPassword,
) -> Result<(), AppError> {
    let target = state.db.user_by_id(id).await?.ok_or_else(|| AppError::NotFound("No such user.".into()))?;
    let hash = hash_password_async(password.expose().to_owned()).await?;
    let now = now_ms();
    state.db.set_password_hash(id, &hash, now).await?;
    state.db.audit(Some(admin.id), "user.reset_password", &target.username, now).await?;
    tracing::info!(admin = admin.id, user_id = id, "password reset");
    Ok(())
}
