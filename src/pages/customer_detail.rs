use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};

use crate::{
    api::{contacts::DeleteContact, customers::get_customer},
    components::{
        call_table::CallTable,
        confirm_dialog::ConfirmDialog,
        contact_messages::ContactMessages,
        contact_status::StatusBadge,
        edit_contact_dialog::EditContactDialog,
        icon::{Icon, IconKind},
        page_data::page_data,
        payment_qr_modal::PaymentQrModal,
        shortcuts::on_key,
        update_contact_modal::UpdateContactModal,
        update_history::UpdateHistory,
        wasm_ready::{ready, waiting},
    },
    domain::{
        call::{CallFilter, calls_url},
        contact::ContactStatus,
        customer::{CustomerDetail, UpdateMarker},
        url::customer_url,
        user::Me,
    },
};

/// The contact page (a customer's or a lead's), as the seed's "After" mock-up: the Update
/// Contact button beside the contact data, markers on recently corrected fields, the history of
/// corrections and the calls; Edit for name and status.
#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <p class="breadcrumb"><A href="/contacts">"← Contacts"</A></p>
        {page_data("Loading contact…", id, get_customer, |loaded| view! { <CustomerCard detail=RwSignal::new(loaded)/> })}
    }
}

#[component]
fn CustomerCard(detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let ready = ready();
    let open = RwSignal::new(false);
    let qr_open = RwSignal::new(false);
    // `?edit=1` opens Edit: the button's own address without the WASM.
    let query = use_query_map();
    let editing = RwSignal::new(query.read_untracked().get("edit").is_some());
    let navigate = use_navigate();
    let leave_edit_url = move || {
        if query.read_untracked().get("edit").is_some() {
            let url = customer_url(detail.with_untracked(|d| d.contact_id));
            navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    };
    let edit_button_ref = NodeRef::<leptos::html::Button>::new();
    let on_edit_close = {
        let leave_edit_url = leave_edit_url.clone();
        Callback::new(move |()| {
            editing.set(false);
            leave_edit_url();
            if let Some(button) = edit_button_ref.get_untracked() {
                let _ = button.focus();
            }
        })
    };
    let on_edited = Callback::new(move |fresh: CustomerDetail| {
        detail.set(fresh);
        editing.set(false);
        leave_edit_url();
        // The open dialog keeps the page inert until it is gone: focus Edit on the next frame.
        request_animation_frame(move || {
            if let Some(button) = edit_button_ref.get_untracked() {
                let _ = button.focus();
            }
        });
    });
    let saved = RwSignal::new(false);
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let qr_button_ref = NodeRef::<leptos::html::Button>::new();
    let messages_refresh = RwSignal::new(0u32);
    let on_qr_close = move |()| {
        qr_open.set(false);
        messages_refresh.update(|n| *n += 1);
        if let Some(button) = qr_button_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    let field =
        move |f: fn(&CustomerDetail) -> Option<String>| move || detail.with(f).unwrap_or_else(|| "—".into());
    let return_focus = move || {
        if let Some(button) = button_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    let on_close = move |()| {
        open.set(false);
        return_focus();
    };
    let on_saved = move |fresh: CustomerDetail| {
        detail.set(fresh);
        open.set(false);
        saved.set(true);
        return_focus();
    };
    let policies = move || detail.with(|d| d.policies.clone());
    let open_update = move || {
        saved.set(false);
        open.set(true);
    };
    // One key from the customer to the correction: `u` opens Update Contact.
    on_key("u", open_update);
    // The server reads the page title after the render, outside the arena that holds `detail`:
    // the title is a signal of its own (reference-counted), kept in step after an edit.
    let title = ArcRwSignal::new(detail.with_untracked(|d| d.name.clone()));
    Effect::new({
        let title = title.clone();
        move |_| title.set(detail.with(|d| d.name.clone()))
    });
    view! {
        <Title text=move || title.get()/>
        {move || saved.get().then(|| view! {
            <div class="alert success" role="status">
                <strong><Icon kind=IconKind::Done/>" Contact information updated successfully!"</strong>
                <p>"The new contact details will be used for this customer."</p>
            </div>
        })}
        <section class="card customer-card" aria-labelledby="customer-title">
            <h1 id="customer-title" class="card-title">
                {move || match detail.with(|d| d.status) {
                    ContactStatus::Customer => "Customer Information",
                    ContactStatus::NewLead => "Contact Information",
                }}
            </h1>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd class="customer-name" data-testid="customer-name">{move || detail.with(|d| d.name.clone())}</dd>
                <dt>"Contact status"</dt>
                <dd data-testid="contact-status">{move || view! { <StatusBadge status=detail.with(|d| d.status)/> }}</dd>
                <dt>"Policy Number"</dt>
                <dd data-testid="policy-numbers">
                    {move || policies().into_iter().map(|p| p.policy_number).collect::<Vec<_>>().join(", ")}
                </dd>
                <dt>"Mobile"</dt>
                <dd data-testid="mobile">
                    {field(|d| d.mobile_display.clone())}
                    <Marker marker=Signal::derive(move || detail.with(|d| d.mobile_marker.clone()))/>
                </dd>
                <dt>"Email"</dt>
                <dd data-testid="email" class="wrap">
                    {field(|d| d.email.clone())}
                    <Marker marker=Signal::derive(move || detail.with(|d| d.email_marker.clone()))/>
                </dd>
                <dt>"Amount Due"</dt>
                <dd data-testid="amount-due">{move || detail.with(|d| d.amount_due.to_string())}</dd>
                <dt>"Status"</dt>
                <dd data-testid="payment-status">
                    {move || {
                        let mut statuses: Vec<String> = policies().into_iter().map(|p| p.payment_status).collect();
                        statuses.dedup();
                        statuses.join(", ")
                    }}
                </dd>
            </dl>
            <div class="card-actions">
                <button type="button" class="btn primary" node_ref=button_ref aria-haspopup="dialog" data-needs-wasm="" aria-disabled=waiting(ready)
                    aria-keyshortcuts="u" title="Update Contact (U)"
                    on:click=move |_| open_update()>
                    <Icon kind=IconKind::Edit/>" Update Contact" <kbd class="shortcut" aria-hidden="true">"U"</kbd>
                </button>
                <button type="button" class="btn" node_ref=qr_button_ref aria-haspopup="dialog" data-needs-wasm="" aria-disabled=waiting(ready)
                    disabled=move || policies().is_empty()
                    on:click=move |_| qr_open.set(true)>
                    "Generate QR"
                </button>
                // A form, so Edit works before (and without) the WASM: the page with the dialog open.
                <form class="inline-form" method="get">
                    <input type="hidden" name="edit" value="1"/>
                    <button type="submit" class="btn" node_ref=edit_button_ref aria-haspopup="dialog"
                        on:click=move |ev| { ev.prevent_default(); editing.set(true); }>
                        "Edit"
                    </button>
                </form>
                <DeleteContact detail/>
            </div>
            {move || (policies().len() > 1).then(|| view! {
                <table class="table policies">
                    <caption>"Policies"</caption>
                    <thead><tr><th scope="col">"Policy"</th><th scope="col">"Amount due"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>
                        {policies().into_iter().map(|p| view! {
                            <tr><td>{p.policy_number}</td><td>{p.amount_due.to_string()}</td><td>{p.payment_status}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
        <UpdateHistory updates=Signal::derive(move || detail.with(|d| d.history.clone()))/>
        <ContactCalls detail/>
        <ContactMessages contact_id=detail.with_untracked(|d| d.contact_id)
            initial=detail.with_untracked(|d| d.messages.clone()) refresh=messages_refresh/>
        <Show when=move || open.get()>
            <UpdateContactModal detail=detail.get_untracked() on_close=on_close on_saved=on_saved/>
        </Show>
        <Show when=move || qr_open.get()>
            <PaymentQrModal detail=detail.get_untracked() on_close=on_qr_close/>
        </Show>
        <Show when=move || editing.get()>
            <EditContactDialog detail=detail.get_untracked() on_close=on_edit_close on_saved=on_edited/>
        </Show>
    }
}

/// An admin may delete a contact nothing refers to yet (entered by mistake, say); one with
/// calls, corrections or policies stays, and the button is not offered.
#[component]
fn DeleteContact(detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let ready = ready();
    let admin = use_context::<Me>().is_some_and(|me| me.is_admin());
    let unused = move || detail.with(|d| d.policies.is_empty() && d.history.is_empty() && d.calls_total == 0);
    let asking = RwSignal::new(false);
    let delete = ServerAction::<DeleteContact>::new();
    let navigate = use_navigate();
    let seen = delete.version().get_untracked();
    Effect::new(move |_| {
        if delete.version().get() != seen && matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/contacts", Default::default());
        }
    });
    let error = Signal::derive(move || delete.value().get().and_then(Result::err).map(|e| e.to_string()));
    move || {
        (admin && unused()).then(|| {
            let (contact_id, name) = detail.with_untracked(|d| (d.contact_id, d.name.clone()));
            view! {
                <button type="button" class="btn danger" aria-haspopup="dialog" data-needs-wasm="" aria-disabled=waiting(ready)
                    on:click=move |_| asking.set(true)>
                    "Delete"
                </button>
                <Show when=move || asking.get()>
                    <ConfirmDialog id="delete-contact" title=format!("Delete {name}?") confirm_label="Delete contact"
                        busy=delete.pending() error
                        on_confirm=move |_| { delete.dispatch(DeleteContact { contact_id }); }
                        on_close=move |()| asking.set(false)>
                        <p>"The contact has no calls, corrections or policies. Deleting it cannot be undone."</p>
                    </ConfirmDialog>
                </Show>
            }
        })
    }
}

#[component]
fn Marker(marker: Signal<Option<UpdateMarker>>) -> impl IntoView {
    move || {
        marker.get().map(|m| {
            view! {
                <span class="marker" title=m.detail.clone()>
                    <Icon kind=IconKind::Edit/>" " {m.text}
                    <span class="visually-hidden">{format!(" ({})", m.detail)}</span>
                </span>
            }
        })
    }
}

/// The contact's newest recorded calls, each with a player; the rest on Call Logs.
#[component]
fn ContactCalls(detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let (calls, total, id) = detail.with_untracked(|d| (d.calls.clone(), d.calls_total, d.contact_id));
    let all = calls_url(&CallFilter { contact_id: Some(id), ..CallFilter::default() }, 1);
    view! {
        <section class="calls-section" aria-labelledby="calls-title">
            <h2 id="calls-title">"Calls"</h2>
            {if calls.is_empty() {
                view! { <p class="empty">"No recorded calls."</p> }.into_any()
            } else {
                view! {
                    <CallTable calls caption="Recorded calls with this contact, newest first" without_contact=true/>
                    {(total > crate::domain::customer::CONTACT_CALLS).then(|| view! {
                        <p><A href=all>{format!("All {total} calls on Call Logs")}</A></p>
                    })}
                }
                .into_any()
            }}
        </section>
    }
}
