use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{
    call::{CallLog, Direction, audio_url, duration_display},
    phone::{Withheld, display as phone_display},
    url::customer_url,
};

/// Recorded calls with a player each. The player streams from the audio route, which answers
/// byte ranges, so it starts at once and seeks without downloading the whole file; `preload
/// ="none"` keeps a page of 25 calls from fetching 25 recordings nobody plays.
#[component]
pub fn CallTable(
    calls: Vec<CallLog>,
    caption: &'static str,
    /// The contact column is left out on a contact's own page.
    #[prop(optional)]
    without_contact: bool,
) -> impl IntoView {
    view! {
        <div class="table-wrap card">
            <table class="table calls">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Agent"</th>
                        {(!without_contact).then(|| view! { <th scope="col">"Contact"</th> })}
                        <th scope="col">"Phone"</th>
                        <th scope="col">"Direction"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Recording"</th>
                    </tr>
                </thead>
                <tbody>
                    {calls.into_iter().map(|c| view! { <CallRow c without_contact/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CallRow(c: CallLog, without_contact: bool) -> impl IntoView {
    // A call without a number says why, as the phone reported it (Android's -1, -2, -3).
    let no_number = Withheld::of(&c.phone_raw).unwrap_or(Withheld::Unknown).label();
    let phone = c.phone.as_deref().map_or_else(|| no_number.to_owned(), phone_display);
    let who = c.contact_name.clone().unwrap_or_else(|| phone.clone());
    let label = format!("Recording of the call with {who}, {}", c.started_at_local);
    let direction = match c.direction {
        Direction::Inbound => "Inbound",
        Direction::Outbound => "Outbound",
    };
    let lead = c.contact_status.as_deref() == Some("new_lead");
    let contact = match (c.contact_id, c.contact_name.clone()) {
        (Some(id), Some(name)) => view! {
            <A href=customer_url(id)>{name}</A>
            {lead.then(|| view! { <span class="pill lead">"New lead"</span> })}
        }
        .into_any(),
        _ => view! { <span class="muted">{no_number}</span> }.into_any(),
    };
    view! {
        <tr data-call-id=c.id class:new-lead=lead>
            <td>{c.started_at_local.clone()}</td>
            <td>{c.agent_name.clone()}</td>
            {(!without_contact).then(|| view! { <td>{contact}</td> })}
            <td>{phone}</td>
            <td>{direction}</td>
            <td>{duration_display(c.duration_seconds)}</td>
            <td><audio controls preload="none" src=audio_url(c.id) aria-label=label></audio></td>
        </tr>
    }
}
