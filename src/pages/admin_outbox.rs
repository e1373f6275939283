use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api::payment_qr::{CancelMessage, ResendMessage, list_outbox},
    components::{
        confirm_dialog::ConfirmDialog,
        contact_messages::DeliveryStatus,
        page_data::page_data,
        pager::{Pager, use_page},
    },
    domain::{
        payment_qr::{MessageStatus, OutboxFilter, OutboxMessage, OutboxPage},
        url::customer_url,
    },
};

/// What the admin is about to do to a message.
#[derive(Clone)]
enum Asking {
    Resend(OutboxMessage),
    Cancel(OutboxMessage),
}

/// Admin → Email outbox: every message the application composed, newest first, with its
/// delivery state; filtered by status and searched by address or policy (in the URL). A sent or
/// failed message can be resent to the contact's current address, a queued one cancelled.
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || OutboxFilter::from_params(|name| query.read().get(name));
    let page = use_page();
    let resend = ServerAction::<ResendMessage>::new();
    let cancel = ServerAction::<CancelMessage>::new();
    let asking = RwSignal::new(None::<Asking>);
    view! {
        <Title text="Email outbox"/>
        <h1>"Email outbox"</h1>
        <OutboxFilterForm filter=filter()/>
        {page_data(
            "Loading messages…",
            move || (filter(), page(), resend.version().get(), cancel.version().get()),
            |(f, page, _, _)| list_outbox(page, f.status.map(|s| s.as_str().to_owned()), Some(f.q)),
            move |page| view! { <OutboxTable page filter=filter() asking/> },
        )}
        {move || asking.get().map(|what| {
            let (title, label, text, id, busy, error, done) = match &what {
                Asking::Resend(m) => (
                    format!("Resend message {}?", m.id),
                    "Resend",
                    format!(
                        "A new message goes to the contact's current address, {}{}. It links to this one.",
                        m.current_email.clone().unwrap_or_default(),
                        if m.current_email.as_deref() == Some(m.to.as_str()) { " (the same as before)" } else { "" },
                    ),
                    m.id,
                    resend.pending(),
                    Signal::derive(move || resend.value().get().and_then(Result::err).map(|e| e.to_string())),
                    resend.version(),
                ),
                Asking::Cancel(m) => (
                    format!("Cancel message {}?", m.id),
                    "Cancel message",
                    format!("The message to {} will not be sent. It stays in the outbox, marked cancelled.", m.to),
                    m.id,
                    cancel.pending(),
                    Signal::derive(move || cancel.value().get().and_then(Result::err).map(|e| e.to_string())),
                    cancel.version(),
                ),
            };
            let is_resend = matches!(what, Asking::Resend(_));
            let seen = done.get_untracked();
            let succeeded = move || {
                if is_resend {
                    matches!(resend.value().get_untracked(), Some(Ok(_)))
                } else {
                    matches!(cancel.value().get_untracked(), Some(Ok(_)))
                }
            };
            Effect::new(move |_| {
                if done.get() != seen && succeeded() {
                    asking.set(None);
                }
            });
            view! {
                <ConfirmDialog id="outbox-action" title confirm_label=label busy error
                    on_confirm=move |_| {
                        if is_resend {
                            resend.dispatch(ResendMessage { id });
                        } else {
                            cancel.dispatch(CancelMessage { id });
                        }
                    }
                    on_close=move |()| asking.set(None)>
                    <p>{text}</p>
                </ConfirmDialog>
            }
        })}
    }
}

/// Status and search, as a GET form: the filter lives in the URL.
#[component]
fn OutboxFilterForm(filter: OutboxFilter) -> impl IntoView {
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::wasm_bindgen::JsCast;

        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let filter = OutboxFilter::from_params(|name| data.get(name).as_string());
        navigate(&filter.url(1), Default::default());
    };
    view! {
        <form class="filter-form card" role="search" action="/admin/outbox" method="get" on:submit=on_submit>
            <div class="field">
                <label for="outbox-status">"Status"</label>
                <select id="outbox-status" name="status">
                    <option value="" selected=filter.status.is_none()>"Any status"</option>
                    {MessageStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=filter.status == Some(s)>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field grow">
                <label for="outbox-q">"Address, policy or #number"</label>
                <input id="outbox-q" name="q" type="search" maxlength="100" value=filter.q.clone() autocomplete="off"/>
            </div>
            <div class="filter-actions">
                <button type="submit" class="btn primary">"Filter"</button>
            </div>
        </form>
    }
}

#[component]
fn OutboxTable(page: OutboxPage, filter: OutboxFilter, asking: RwSignal<Option<Asking>>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |to: i64| navigate(&filter.url(to), Default::default());
    let (pages, current) = (page.pages(), page.page);
    view! {
        <p class="muted">
            {if page.smtp {
                "Messages are delivered by the configured mail server; failed attempts are retried."
            } else {
                "No mail server is configured (mail.transport = \"outbox\"): messages are kept here and not sent."
            }}
        </p>
        {if page.messages.is_empty() {
            view! { <p class="muted" role="status">"No messages match."</p> }.into_any()
        } else {
            view! {
                <p class="muted" role="status">{format!("{} message{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
                <div class="table-wrap card">
                    <table class="table" data-testid="outbox">
                        <caption class="visually-hidden">"Email outbox, newest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"Subject"</th>
                                <th scope="col">"By"</th>
                                <th scope="col">"Delivery"</th>
                                <th scope="col">"Attempts"</th>
                                <th scope="col">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.messages.into_iter().map(|m| {
                                let for_resend = m.clone();
                                let for_cancel = m.clone();
                                view! {
                                    <tr data-message-id=m.id id=format!("message-{}", m.id)>
                                        <td>{m.id}</td>
                                        <td>{m.created_at.clone()}</td>
                                        <td class="wrap">
                                            {match m.contact_id {
                                                Some(id) => view! { <a href=customer_url(id)>{m.to.clone()}</a> }.into_any(),
                                                None => view! { <span>{m.to.clone()}</span> }.into_any(),
                                            }}
                                            {m.resend_of.map(|o| view! {
                                                <span class="muted">" (resend of "<a href=OutboxFilter { status: None, q: format!("#{o}") }.url(1)>{format!("#{o}")}</a>")"</span>
                                            })}
                                        </td>
                                        <td>{m.subject.clone()}</td>
                                        <td>{m.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td class="wrap"><DeliveryStatus message=m.clone()/></td>
                                        <td>{m.attempts}</td>
                                        <td>
                                            {m.can_resend().then(|| view! {
                                                <button type="button" class="btn small" aria-haspopup="dialog"
                                                    aria-label=format!("Resend message {}", m.id)
                                                    on:click=move |_| asking.set(Some(Asking::Resend(for_resend.clone())))>
                                                    "Resend"
                                                </button>
                                            })}
                                            {m.can_cancel().then(|| view! {
                                                <button type="button" class="btn small danger" aria-haspopup="dialog"
                                                    aria-label=format!("Cancel message {}", m.id)
                                                    on:click=move |_| asking.set(Some(Asking::Cancel(for_cancel.clone())))>
                                                    "Cancel"
                                                </button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager label="Outbox pages" current pages go/>
            }.into_any()
        }}
    }
}
