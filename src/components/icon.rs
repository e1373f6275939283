//! Small inline SVG icons. Emoji were used before and showed as empty boxes where no emoji font is
//! installed (most Linux desktops); an SVG drawn with `currentColor` shows everywhere, in the
//! text's colour. Each icon is decorative (`aria-hidden`): the words beside it say what it means.

use leptos::prelude::*;

/// Which icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconKind {
    /// A pencil: editing contact details.
    Edit,
    /// A circled "i": information.
    Info,
    /// A circled check: done.
    Done,
    /// An envelope: sending by email.
    Mail,
    /// An arrow into a tray: downloading a file.
    Download,
}

impl IconKind {
    /// The drawing, on a 16 × 16 grid, stroked in the text's colour.
    fn path(self) -> &'static str {
        match self {
            Self::Edit => "M11.5 1.5l3 3L5 14H2v-3l9.5-9.5zM9.5 3.5l3 3",
            Self::Info => "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM8 7v4.5M8 4.5v.5",
            Self::Done => "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM5 8.2l2 2L11 6",
            Self::Mail => "M1.5 3.5h13v9h-13zM1.5 3.5L8 9l6.5-5.5",
            Self::Download => "M8 1.5v8.5M4.5 6.5L8 10l3.5-3.5M2 11.5v3h12v-3",
        }
    }
}

#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">
            <path d=kind.path()/>
        </svg>
    }
}
