use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::tokens::{CreateToken, RevokeToken, load_tokens_page},
    components::{
        confirm_dialog::{ConfirmDialog, NativeForm},
        field_error::FieldError,
        kept_form::{KeptForm, kept_output},
        page_data::page_data,
    },
    domain::{
        token::{IssuedToken, TokenScope, TokenSummary},
        user::UserSummary,
    },
    error::AppError,
};

/// Admin → Tokens: the phones' upload tokens and the integrations' API tokens. A new token's
/// secret is shown once, here; revoking one takes effect on its next request.
#[component]
pub fn AdminTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let asking = RwSignal::new(None::<TokenSummary>);
    // `?revoke=ID` asks about that token: Revoke's own address without the WASM.
    let query = use_query_map();
    // Once: a later reload of the list (after a create) does not ask again.
    let revoke_in_url =
        StoredValue::new(query.read_untracked().get("revoke").and_then(|id| id.parse::<i64>().ok()));

    view! {
        <Title text="Tokens"/>
        <h1>"Tokens"</h1>
        <p class="intro">
            "A phone uploads call recordings with an " <strong>"upload"</strong>
            " token (it can do nothing else); an integration such as the master-system sync uses an "
            <strong>"API"</strong> " token, which acts with its user's role."
        </p>
        {page_data(
            "Loading tokens…",
            move || (create.version().get(), revoke.version().get()),
            |_| load_tokens_page(),
            move |(tokens, users): (Vec<TokenSummary>, Vec<UserSummary>)| {
                // Rendered before the dialog below, which then shows the token asked about.
                let wanted = revoke_in_url.try_update_value(Option::take).flatten();
                if let Some(token) = tokens.iter().find(|t| Some(t.id) == wanted && t.revoked_at.is_none()) {
                    asking.set(Some(token.clone()));
                }
                view! {
                <NewTokenForm create users/>
                <TokenTable tokens asking/>
                }
            },
        )}
        {move || asking.get().map(|t| {
            let id = t.id;
            let title = format!("Revoke “{}”?", t.name);
            let busy = revoke.pending();
            let error = Signal::derive(move || revoke.value().get().and_then(Result::err).map(|e| e.to_string()));
            let done = revoke.version();
            let seen = done.get_untracked();
            Effect::new(move |_| {
                if done.get() != seen && matches!(revoke.value().get_untracked(), Some(Ok(_))) {
                    asking.set(None);
                }
            });
            let native = NativeForm { action: RevokeToken::PATH, cancel: "/admin/tokens".to_owned() };
            view! {
                <ConfirmDialog id="revoke-token" title confirm_label="Revoke token" busy error
                    on_confirm=move |_| { revoke.dispatch(RevokeToken { id }); }
                    on_close=move |()| asking.set(None) native>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <p>{format!(
                        "{} ({}) will be refused from its next request. This cannot be undone; \
                         issue a new token if it is needed again.",
                        t.name, t.user_name
                    )}</p>
                </ConfirmDialog>
            }
        })}
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenSummary>, asking: RwSignal<Option<TokenSummary>>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="empty">"No tokens yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap card">
            <table class="table">
                <caption class="visually-hidden">"API tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"User"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {tokens.into_iter().map(|t| {
                        let live = t.revoked_at.is_none();
                        let aria = format!("Revoke {}", t.name);
                        let row = t.clone();
                        view! {
                            <tr data-token=t.name.clone() class:inactive=!live>
                                <td>{t.name.clone()}</td>
                                <td>{format!("{} ({})", t.user_name, t.username)}</td>
                                <td>{t.scope.label()}</td>
                                <td>{t.created_at.clone()}</td>
                                <td>{t.last_used_at.clone().unwrap_or_else(|| "Never".into())}</td>
                                <td>{match t.revoked_at.clone() {
                                    None => view! { <span class="pill ok">"Active"</span> }.into_any(),
                                    Some(at) => view! { <span class="pill muted">{format!("Revoked {at}")}</span> }.into_any(),
                                }}</td>
                                <td>{live.then(|| view! {
                                    // A form, so Revoke works without the WASM: the page asking.
                                    <form class="inline-form" method="get" action="/admin/tokens">
                                        <input type="hidden" name="revoke" value=row.id.to_string()/>
                                        <button type="submit" class="btn small danger" aria-label=aria
                                            on:click=move |ev| { ev.prevent_default(); asking.set(Some(row.clone())); }>
                                            "Revoke"
                                        </button>
                                    </form>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewTokenForm(create: ServerAction<CreateToken>, users: Vec<UserSummary>) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.field_message(name));
    let general = move || error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string());
    // Posted without the WASM: the token issued (shown this once) or the typed values come
    // back with the page.
    let kept = KeptForm::of::<CreateToken>();
    let kept_issued = kept_output::<CreateToken, IssuedToken>();
    let issued = move || create.value().get().and_then(Result::ok).or_else(|| kept_issued.clone());
    view! {
        <section class="card form-card" aria-labelledby="new-token-title">
            <h2 id="new-token-title">"New token"</h2>
            {move || issued().map(|t| view! {
                <div class="alert success" role="status">
                    <p>{format!("Token “{}” issued for {}. Copy it now: it is shown only this once.",
                        t.summary.name, t.summary.user_name)}</p>
                    <label for="issued-token">"New token"</label>
                    <input id="issued-token" class="token-secret" type="text" readonly value=t.token
                        autocomplete="off" spellcheck="false"/>
                </div>
            })}
            {move || general().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <ActionForm action=create>
                <div class="form-grid">
                    <div class="field">
                        <label for="token-user">"User"</label>
                        <select id="token-user" name="username" required>
                            <option value="">"Choose a user…"</option>
                            {users.into_iter().filter(|u| u.active).map(|u| {
                                let label = format!("{} ({}, {})", u.name, u.username, u.role.label());
                                let chosen = kept.chose("username", &u.username).unwrap_or(false);
                                view! { <option value=u.username selected=chosen>{label}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError message=Signal::derive(field("user"))/>
                    </div>
                    <div class="field">
                        <label for="token-scope">"Scope"</label>
                        <select id="token-scope" name="scope">
                            <option value=TokenScope::Upload.as_str()
                                selected=kept.chose("scope", TokenScope::Upload.as_str()).unwrap_or(true)>
                                {TokenScope::Upload.label()}
                            </option>
                            <option value=TokenScope::Api.as_str()
                                selected=kept.chose("scope", TokenScope::Api.as_str()).unwrap_or(false)>
                                {TokenScope::Api.label()}
                            </option>
                        </select>
                        <FieldError message=Signal::derive(field("scope"))/>
                    </div>
                    <div class="field">
                        <label for="token-name">"Name"</label>
                        <input id="token-name" name="name" type="text" required maxlength="80" autocomplete="off"
                                value=kept.value("name")/>
                        <p class="hint" id="token-name-hint">"The phone or system it is for, e.g. “Priya's Galaxy A54”."</p>
                        <FieldError message=Signal::derive(field("name"))/>
                    </div>
                </div>
                <button type="submit" class="btn primary" disabled=create.pending()>"Create token"</button>
            </ActionForm>
        </section>
    }
}
