//! Admin → Tokens: issue and revoke the phones' and integrations' API tokens. Admins only.

use leptos::prelude::*;

use crate::{
    domain::{
        token::{IssuedToken, TokenSummary},
        user::UserSummary,
    },
    error::AppError,
};

#[server(endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<TokenSummary>, AppError> {
    use crate::server::{AppState, auth, tokens};

    super::run("list_tokens", async {
        let admin = auth::require_admin().await?;
        tokens::list(&expect_context::<AppState>().db, &admin).await
    })
    .await
}

/// Admin → Tokens' data in one answer: the tokens, and the users a new one can be issued for.
#[server(endpoint = "admin/tokens/page")]
pub async fn load_tokens_page() -> Result<(Vec<TokenSummary>, Vec<UserSummary>), AppError> {
    use crate::server::{AppState, accounts, auth, tokens};

    super::run("load_tokens_page", async {
        let admin = auth::require_admin().await?;
        let state = expect_context::<AppState>();
        Ok((tokens::list(&state.db, &admin).await?, accounts::list(&state, &admin).await?))
    })
    .await
}

#[server(endpoint = "admin/tokens/create")]
pub async fn create_token(username: String, scope: String, name: String) -> Result<IssuedToken, AppError> {
    use crate::{
        domain::token::NewToken,
        server::{AppState, auth, tokens},
    };

    super::run("create_token", async {
        let admin = auth::require_admin().await?;
        let new = NewToken::parse(&username, &scope, &name)?;
        tokens::issue(&expect_context::<AppState>().db, Some(&admin), new).await
    })
    .await
}

#[server(endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<TokenSummary, AppError> {
    use crate::server::{AppState, auth, tokens};

    super::run("revoke_token", async {
        let admin = auth::require_admin().await?;
        let revoked = tokens::revoke(&expect_context::<AppState>().db, &admin, id).await?;
        // The list, not the page still asking about this token.
        super::land_plain_form("/admin/tokens");
        Ok(revoked)
    })
    .await
}
