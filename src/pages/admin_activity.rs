use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    api::activity::load_activity,
    components::{
        page_data::page_data,
        pager::{Pager, use_page},
    },
    domain::{
        activity::{ActivityPage, action_label},
        url::encode_component,
    },
};

fn activity_url(action: &str, page: i64) -> String {
    let mut params = Vec::new();
    if !action.is_empty() {
        params.push(format!("action={}", encode_component(action)));
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() {
        "/admin/activity".to_owned()
    } else {
        format!("/admin/activity?{}", params.join("&"))
    }
}

/// Admin → Activity: every export, sync, rejection, import, user change and token change, who
/// did it and when; the log is append-only. The action filter lives in the URL.
#[component]
pub fn AdminActivityPage() -> impl IntoView {
    let query = use_query_map();
    let action = move || query.read().get("action").unwrap_or_default();
    let page = use_page();
    view! {
        <Title text="Activity"/>
        <h1>"Activity"</h1>
        {page_data("Loading the activity log…", move || (action(), page()), |(a, p)| load_activity(a, p), move |log| {
            view! { <Log log action=action()/> }
        })}
    }
}

#[component]
fn Log(log: ActivityPage, action: String) -> impl IntoView {
    let navigate = use_navigate();
    let (pages, current) = (log.pages(), log.page);
    let go = {
        let navigate = navigate.clone();
        let action = action.clone();
        move |to: i64| navigate(&activity_url(&action, to), NavigateOptions::default())
    };
    let on_filter = move |ev: leptos::ev::Event| {
        navigate(&activity_url(&event_target_value(&ev), 1), NavigateOptions::default());
    };
    view! {
        <div class="card filter-form">
            <div class="field">
                <label for="activity-action">"Action"</label>
                <select id="activity-action" on:change=on_filter>
                    <option value="" selected=action.is_empty()>"All actions"</option>
                    {log.actions.iter().map(|a| view! {
                        <option value=a.clone() selected=*a == action>{action_label(a).to_owned()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <p class="muted" role="status">{format!("{} entr{}", log.total, if log.total == 1 { "y" } else { "ies" })}</p>
        <div class="table-wrap card">
            <table class="table">
                <caption class="visually-hidden">"Admin activity, newest first"</caption>
                <thead>
                    <tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Details"</th></tr>
                </thead>
                <tbody>
                    {log.entries.into_iter().map(|e| view! {
                        <tr data-action=e.action.clone()>
                            <td>{e.at}</td>
                            <td>{e.actor.unwrap_or_else(|| "Command line".into())}</td>
                            <td>{action_label(&e.action).to_owned()}</td>
                            <td class="wrap">{e.detail}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Activity pages" current pages go=go/>
    }
}
