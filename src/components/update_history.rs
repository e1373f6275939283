//! A customer's contact updates, newest first.

use leptos::prelude::*;

use crate::domain::customer::ContactUpdateView;

#[component]
pub fn UpdateHistory(#[prop(into)] updates: Signal<Vec<ContactUpdateView>>) -> impl IntoView {
    view! {
        <section class="card history" aria-labelledby="history-title">
            <h2 id="history-title">"Contact update history"</h2>
            {move || {
                let list = updates.get();
                if list.is_empty() {
                    view! { <p class="muted">"No contact updates yet."</p> }.into_any()
                } else {
                    view! {
                        <ol class="history-list">
                            {list.into_iter().map(|u| view! { <HistoryEntry u/> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn HistoryEntry(u: ContactUpdateView) -> impl IntoView {
    let change = |label: &'static str, old: Option<String>, new: Option<String>| {
        new.map(|new| {
            view! {
                <p class="history-change">
                    <span class="history-label">{label}</span>
                    <span class="old">{old.unwrap_or_else(|| "none".into())}</span>
                    " → "
                    <strong class="new">{new}</strong>
                </p>
            }
        })
    };
    view! {
        <li class="history-entry" data-update-id=u.id>
            <p class="history-meta">
                <time>{u.captured_at}</time>
                " · "
                <span class="agent">{u.agent_name}</span>
                " · "
                <span class=format!("pill status-{}", u.status.as_str())>{u.status.label()}</span>
            </p>
            {change("Mobile", u.old_mobile, u.new_mobile)}
            {change("Email", u.old_email, u.new_email)}
            <p class="history-reason">"Reason: " {u.reason}</p>
            {u.notes.map(|n| view! { <p class="history-notes">"Notes: " {n}</p> })}
            {u.reject_reason.map(|why| view! {
                <p class="history-notes">"Rejected by an admin: " {why} " (the previous details apply)"</p>
            })}
        </li>
    }
}
