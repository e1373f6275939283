//! Updates per day by reason, as an SVG drawn with the page (readable without JavaScript), with
//! its figures in a table for screen readers and anyone who prefers numbers.

use leptos::prelude::*;

use crate::domain::{contact_update::UpdateReason, dashboard::DayCounts};

/// One colour per reason, each at least 3:1 against white (WCAG non-text contrast).
const COLOURS: [&str; 6] = ["#0b5cab", "#146c2e", "#b42318", "#8a5a00", "#6b3fa0", "#5b6675"];
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 24.0;

#[component]
pub fn UpdatesChart(days: Vec<DayCounts>) -> impl IntoView {
    let total: i64 = days.iter().map(DayCounts::total).sum();
    let max = days.iter().map(DayCounts::total).max().unwrap_or(0).max(1);
    let busiest = days.iter().max_by_key(|d| d.total()).filter(|d| d.total() > 0);
    let description = match busiest {
        Some(d) => format!(
            "{total} updates in the last {} days; the most on {} ({}).",
            days.len(),
            d.label,
            d.total()
        ),
        None => format!("No updates in the last {} days.", days.len()),
    };
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let plot = HEIGHT - BOTTOM;
    let scale = move |n: i64| n as f64 / max as f64 * (plot - 8.0);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
            let mut y = plot;
            let segments = d
                .by_reason
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(r, n)| {
                    let h = scale(*n);
                    y -= h;
                    view! { <rect x=x y=y width=bar height=h fill=COLOURS[r % COLOURS.len()] stroke="#fff" stroke-width="0.5"/> }
                })
                .collect_view();
            let label = (i % 5 == 4 || i + 1 == days.len()).then(|| {
                view! { <text x=x + bar / 2.0 y=HEIGHT - 6.0 text-anchor="middle" class="chart-label">{d.label.clone()}</text> }
            });
            view! { <g>{segments}{label}</g> }
        })
        .collect_view();
    view! {
        <figure class="chart card">
            <figcaption id="chart-title">"Updates per day, last 30 days, by reason"</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="chart-title chart-desc"
                class="chart-svg" data-testid="updates-chart">
                <desc id="chart-desc">{description}</desc>
                <line x1=LEFT y1=plot x2=WIDTH y2=plot stroke="#5b6675"/>
                <text x=LEFT - 6.0 y=plot text-anchor="end" class="chart-label">"0"</text>
                <text x=LEFT - 6.0 y=plot - scale(max) + 4.0 text-anchor="end" class="chart-label">{max.to_string()}</text>
                {bars}
            </svg>
            <ul class="chart-legend">
                {UpdateReason::ALL.iter().enumerate().map(|(r, reason)| view! {
                    <li>
                        // A presentation attribute, not a style: the CSP admits no inline styles.
                        <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill=COLOURS[r]/></svg>
                        {reason.label()}
                    </li>
                }).collect_view()}
            </ul>
            <details>
                <summary>"The figures as a table"</summary>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Day"</th>
                                {UpdateReason::ALL.iter().map(|r| view! { <th scope="col">{r.label()}</th> }).collect_view()}
                                <th scope="col">"Total"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {days.iter().map(|d| view! {
                                <tr>
                                    <th scope="row">{d.day.clone()}</th>
                                    {d.by_reason.iter().map(|n| view! { <td>{n.to_string()}</td> }).collect_view()}
                                    <td>{d.total().to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
