use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{api::auth::Login, components::kept_form::KeptForm};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || login.value().get().and_then(Result::err).map(|e| e.to_string());
    let pending = login.pending();
    // A refused sign-in posted without the WASM comes back with the username typed.
    let kept = KeptForm::of::<Login>();
    view! {
        <Title text="Sign in"/>
        <main class="centered-page">
            <div class="card narrow login-card">
                <h1 class="brand-large">"ContactDesk"</h1>
                <p class="muted">"Sign in with your call-center account."</p>
                <ActionForm action=login>
                    // An attribute, not a property: a form posted before (or without) the WASM sends it too.
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="username">"Username"</label>
                        <input id="username" name="username" type="text" autocomplete="username"
                            autocapitalize="none" spellcheck="false" required autofocus maxlength="64"
                            value=kept.value("username")/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password"
                            autocomplete="current-password" required maxlength="1024"/>
                    </div>
                    {move || error().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                    <button type="submit" class="btn primary wide" disabled=pending>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
