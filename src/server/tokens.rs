//! API bearer tokens: issued for a user, stored hashed, shown once.

use super::{AppState, auth::token_hash, db::Db, time::now_ms};
use crate::error::AppError;

/// Issues a token acting for `user_id` and returns its secret (the only time it is visible).
pub async fn issue(db: &Db, user_id: i64, name: &str) -> Result<String, AppError> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use rand::RngCore;

    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("cdt_{}", URL_SAFE_NO_PAD.encode(bytes));
    db.insert_api_token(name, &token_hash(&token), user_id, now_ms()).await?;
    Ok(token)
}

/// Resolves a bearer token to its (active) user.
pub async fn resolve(state: &AppState, token: &str) -> Result<Option<super::auth::AuthUser>, AppError> {
    let Some(row) = state.db.find_api_token(&token_hash(token)).await? else {
        return Ok(None);
    };
    Ok(row.active.then(|| row.into()))
}
