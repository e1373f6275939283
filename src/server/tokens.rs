//! API tokens: issued for a user with a scope, stored hashed, shown once, revocable at once.

use super::{
    auth::{Admin, AuthUser, token_hash},
    db::{
        Db,
        api_tokens::{NewTokenRow, TokenListRow},
    },
    time::{self, now_ms},
};
use crate::{
    domain::token::{IssuedToken, NewToken, TokenScope, TokenSummary},
    error::AppError,
};

/// How often a token's "last used" is written: per API call would make every read a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Whom a presented token acts for, and within which scope.
#[derive(Clone, Debug)]
pub struct TokenPrincipal {
    pub token_id: i64,
    pub scope: TokenScope,
    pub user: AuthUser,
}

/// Issues a token acting for the (active) user `new.username`; `actor` is the admin who asked, `None`
/// for the command line. The secret is returned this once and never stored.
pub async fn issue(db: &Db, actor: Option<&Admin>, new: NewToken) -> Result<IssuedToken, AppError> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use rand::RngCore;

    let user = db
        .user_by_username(&new.username)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| AppError::invalid("user", "Choose an active user for the token."))?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("cdt_{}", URL_SAFE_NO_PAD.encode(bytes));
    let NewToken { scope, name, .. } = new;
    let detail = format!("{} for {} ({})", name.as_str(), user.username, scope.as_str());
    let id = db
        .insert_api_token(&NewTokenRow {
            name: name.as_str(),
            token_hash: &token_hash(&token),
            user_id: user.id,
            scope: scope.as_str(),
            actor_id: actor.map(|a| a.id),
            audit_detail: &detail,
            now: now_ms(),
        })
        .await?;
    tracing::info!(token_id = id, user_id = user.id, scope = scope.as_str(), "token issued");
    let row = db.api_token_by_id(id).await?.ok_or(AppError::Internal)?;
    Ok(IssuedToken { token, summary: summary(row) })
}

/// Every token for Admin → Tokens.
pub async fn list(db: &Db, _admin: &Admin) -> Result<Vec<TokenSummary>, AppError> {
    Ok(db.list_api_tokens().await?.into_iter().map(summary).collect())
}

/// Revokes a token; the next request that presents it gets 401. Revoking twice is harmless.
pub async fn revoke(db: &Db, admin: &Admin, id: i64) -> Result<TokenSummary, AppError> {
    let row = db.api_token_by_id(id).await?.ok_or_else(|| AppError::NotFound("No such token.".into()))?;
    let detail = format!("{} for {} ({})", row.name, row.username, row.scope);
    if db.revoke_api_token(id, Some(admin.id), &detail, now_ms()).await? {
        tracing::info!(token_id = id, admin = admin.id, "token revoked");
    }
    let row = db.api_token_by_id(id).await?.ok_or(AppError::Internal)?;
    Ok(summary(row))
}

/// Resolves a presented bearer token: `None` when unknown, revoked or its user deactivated.
pub async fn resolve(db: &Db, token: &str) -> Result<Option<TokenPrincipal>, AppError> {
    let Some(row) = db.find_api_token(&token_hash(token)).await? else {
        return Ok(None);
    };
    if !row.active {
        return Ok(None);
    }
    let now = now_ms();
    // "Last used" is for people reading Admin → Tokens: failing to write it (a busy or full
    // database) must never fail the call it belongs to.
    if row.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY_MS)
        && let Err(e) = db.touch_api_token(row.id, now).await
    {
        tracing::warn!(error = %e, token_id = row.id, "could not record a token's last use");
    }
    let scope = TokenScope::parse(&row.scope).map_err(|_| AppError::Internal)?;
    let user = AuthUser {
        id: row.user_id,
        role: crate::domain::user::Role::parse(&row.role).unwrap_or(crate::domain::user::Role::Agent),
        username: row.username,
        name: row.name,
    };
    Ok(Some(TokenPrincipal { token_id: row.id, scope, user }))
}

fn summary(row: TokenListRow) -> TokenSummary {
    TokenSummary {
        id: row.id,
        name: row.name,
        username: row.username,
        user_name: row.user_name,
        scope: TokenScope::parse(&row.scope).unwrap_or(TokenScope::Api),
        created_at: time::display(row.created_at),
        last_used_at: row.last_used_at.map(time::display),
        revoked_at: row.revoked_at.map(time::display),
    }
}
