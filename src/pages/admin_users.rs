use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::users::{CreateUser, ResetPassword, SetUserActive, list_users},
    components::{
        field_error::FieldError,
        kept_form::{KeptForm, kept_output},
        page_data::page_data,
    },
    domain::user::UserSummary,
    error::AppError,
};

/// Admin → Users: everyone who can sign in; create, deactivate/reactivate, reset password.
/// The list itself is the access check: for an agent the server refuses it (403).
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let row_error = move || {
        let active_err = set_active.value().get().and_then(Result::err);
        let reset_err = reset.value().get().and_then(Result::err);
        active_err.or(reset_err).map(|e| e.to_string())
    };
    // A reset posted without the WASM: its answer comes back with the page.
    let reset_kept = kept_output::<ResetPassword, ()>().is_some();
    let reset_done = move || match reset.value().get() {
        Some(answer) => answer.is_ok(),
        None => reset_kept,
    };

    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        {page_data(
            "Loading users…",
            move || (create.version().get(), set_active.version().get(), reset.version().get()),
            |_| list_users(),
            move |list| view! {
                {move || row_error().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                {move || reset_done().then(|| view! {
                    <p class="alert success" role="status">
                        "Password reset. The user's sessions have ended; they sign in with the new password."
                    </p>
                })}
                <UserTable list set_active reset/>
                <NewUserForm create/>
            },
        )}
    }
}

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    set_active: ServerAction<SetUserActive>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|u| view! { <UserRow u set_active reset/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(
    u: UserSummary,
    set_active: ServerAction<SetUserActive>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    let (toggle_id, reset_id) = (u.id.to_string(), u.id.to_string());
    let toggle_label = if u.active { "Deactivate" } else { "Reactivate" };
    let toggle_aria = format!("{toggle_label} {}", u.username);
    let password_id = format!("reset-password-{}", u.id);
    let password_label = format!("New password for {}", u.username);
    let next_active = (!u.active).to_string();
    let last_login = u.last_login_at.clone().unwrap_or_else(|| "Never".into());
    view! {
        <tr data-username=u.username.clone() class:inactive=!u.active>
            <td>{u.name.clone()}</td>
            <td><code>{u.username.clone()}</code></td>
            <td>{u.role.label()}</td>
            <td>
                {if u.active {
                    view! { <span class="pill ok">"Active"</span> }.into_any()
                } else {
                    view! { <span class="pill muted">"Deactivated"</span> }.into_any()
                }}
            </td>
            <td>{last_login}</td>
            <td>
                <div class="actions">
                <ActionForm action=set_active>
                    <input type="hidden" name="id" value=toggle_id/>
                    <input type="hidden" name="active" value=next_active/>
                    <button type="submit" class="btn small" aria-label=toggle_aria>{toggle_label}</button>
                </ActionForm>
                <details class="reset">
                    <summary class="btn small">"Reset password"</summary>
                    <ActionForm action=reset>
                        <input type="hidden" name="id" value=reset_id/>
                        <label for=password_id.clone()>{password_label}</label>
                        <input id=password_id.clone() type="password" name="password" required minlength="10"
                            maxlength="128" autocomplete="new-password"/>
                        <button type="submit" class="btn small primary">"Set password"</button>
                    </ActionForm>
                </details>
                </div>
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.field_message(name));
    let general = move || error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string());
    // Posted without the WASM: the answer and the typed values come back with the page.
    let kept = KeptForm::of::<CreateUser>();
    let kept_created = kept_output::<CreateUser, UserSummary>();
    let created = move || create.value().get().and_then(Result::ok).or_else(|| kept_created.clone());
    view! {
        <section class="card form-card" aria-labelledby="new-user-title">
            <h2 id="new-user-title">"New user"</h2>
            {move || created().map(|u| view! {
                <p class="alert success" role="status">{format!("{} can now sign in as {}.", u.name, u.username)}</p>
            })}
            {move || general().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <ActionForm action=create>
                <div class="form-grid">
                    <div class="field">
                        <label for="new-username">"Username"</label>
                        <input id="new-username" name="username" type="text" required minlength="3" maxlength="32"
                            autocomplete="off" autocapitalize="none" value=kept.value("username")/>
                        <FieldError message=Signal::derive(field("username"))/>
                    </div>
                    <div class="field">
                        <label for="new-name">"Full name"</label>
                        <input id="new-name" name="name" type="text" required maxlength="100" autocomplete="off"
                            value=kept.value("name")/>
                        <FieldError message=Signal::derive(field("name"))/>
                    </div>
                    <div class="field">
                        <label for="new-role">"Role"</label>
                        <select id="new-role" name="role">
                            <option value="agent" selected=kept.chose("role", "agent").unwrap_or(true)>"Agent"</option>
                            <option value="admin" selected=kept.chose("role", "admin").unwrap_or(false)>"Admin"</option>
                        </select>
                        <FieldError message=Signal::derive(field("role"))/>
                    </div>
                    <div class="field">
                        <label for="new-password">"Password"</label>
                        <input id="new-password" name="password" type="password" required minlength="10"
                            maxlength="128" autocomplete="new-password"/>
                        <p class="hint">"At least 10 characters."</p>
                        <FieldError message=Signal::derive(field("password"))/>
                    </div>
                </div>
                <button type="submit" class="btn primary" disabled=create.pending()>"Create user"</button>
            </ActionForm>
        </section>
    }
}
