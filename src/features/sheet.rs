//! A bottom sheet over the stream: a labelled modal dialog with its title and
//! a close button, shown while its panel is open. The close button takes focus
//! when the sheet opens and gives it back when it closes; what the sheet holds
//! is mounted with it, so its clean-ups run however the sheet goes.
use leptos::html::Button;
use leptos::prelude::*;
/// Why a lazily loaded sheet's code could not be fetched.
pub use leptos::wasm_split::SplitLoaderError;

use crate::browser::focus::{keep_tab_inside, use_focus_on_mount};
use crate::features::icons::{BackIcon, CloseIcon};
use crate::features::Panel;
use crate::i18n;

/// Declares `async fn $name(args..) -> Result<AnyView, SplitLoaderError>`
/// building a view, and `async fn $preload() -> Result<(), SplitLoaderError>`
/// fetching its code without building it (for idle prefetching). With the
/// `split` feature the function is a split point (`wasm_split`, `fallible`): it
/// goes to the wasm chunk `$chunk`, fetched on the first call; a failed fetch is
/// an `Err`, not cached. Without the feature both are ordinary async fns, ready
/// at once (a build that does not split cannot resolve a split point's imports).
macro_rules! lazy_view {
    // Without a preload: a view needed as soon as its condition holds.
    ($chunk:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $crate::features::sheet::lazy_view!(@split [$chunk] fn $name($($arg: $ty),*) $body);
    };
    ($chunk:ident, $preload:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $crate::features::sheet::lazy_view!(@split [$chunk, preload($preload)] fn $name($($arg: $ty),*) $body);
        #[cfg(not(feature = "split"))]
        pub(crate) async fn $preload() -> Result<(), SplitLoaderError> {
            Ok(())
        }
    };
    (@split [$($split:tt)*] fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($($split)*, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub(crate) fn $name($($arg: $ty),*) -> Result<AnyView, SplitLoaderError> {
            let body: AnyView = $body;
            Ok(body)
        }
        #[cfg(not(feature = "split"))]
        pub(crate) async fn $name($($arg: $ty),*) -> Result<AnyView, SplitLoaderError> {
            let body: AnyView = $body;
            Ok(body)
        }
    };
}
pub(crate) use lazy_view;

/// [`lazy_view!`] for a sheet's body: `fn $name(state, panel)`.
macro_rules! lazy_sheet_body {
    ($chunk:ident, $preload:ident, fn $name:ident($state:ident, $panel:ident) $body:block) => {
        $crate::features::sheet::lazy_view!($chunk, $preload, fn $name($state: Store<State>, $panel: RwSignal<Panel>) $body);
    };
}
pub(crate) use lazy_sheet_body;

/// A view kept in a lazily loaded wasm chunk (a sheet's body, say): `load`
/// is the [`lazy_view!`] function that builds it. A loading line while
/// the chunk is fetched; if the fetch fails, a message and a retry button (the
/// failure is not cached, so retrying fetches the chunk again).
pub fn lazy_body<Fut>(load: impl Fn() -> Fut + Copy + Send + Sync + 'static) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>
        + Send
        + 'static,
{
    let text = i18n::text();
    let attempt = RwSignal::new(0u32);
    view! {
        <Suspense fallback=move || view! { <p class="lapak-empty" role="status" data-testid="sheet-loading">{text.sheet_loading}</p> }>
            {move || {
                attempt.track();
                Suspend::new(async move {
                    match load().await {
                        Ok(body) => body,
                        Err(_) => view! {
                            <p class="lapak-alert" role="alert" data-testid="sheet-load-failed">{text.sheet_load_failed}</p>
                            <button class="lapak-primary" data-testid="sheet-retry" on:click=move |_| attempt.update(|n| *n += 1)>{text.try_again}</button>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Focus goes back to what opened a sheet, whichever sheet and however it
/// closes (Escape, its close button, the end of its flow): see
/// [`browser::focus::use_focus_return`](crate::browser::focus::use_focus_return).
/// `root` is the widget's root; the returned handler is its `focusin`.
pub fn use_focus_return(
    root: NodeRef<leptos::html::Div>,
    panel: RwSignal<Panel>,
) -> impl Fn(web_sys::FocusEvent) + Copy + 'static {
    crate::browser::focus::use_focus_return(root, move || *panel.read() != Panel::Closed)
}

/// The sheet for `open`, while `panel` is `open`.
#[component]
pub fn Sheet(
    /// The open sheet.
    panel: RwSignal<Panel>,
    /// Which panel this sheet is.
    open: Panel,
    /// Classes beside `lapak-sheet`.
    class: &'static str,
    /// The heading.
    title: &'static str,
    /// Its `data-testid` (the heading's id is derived from it).
    testid: &'static str,
    /// A back button to another sheet, with its label.
    #[prop(optional)]
    back: Option<(Panel, &'static str)>,
    /// The contents.
    children: ChildrenFn,
) -> impl IntoView {
    let when = open.clone();
    let children = StoredValue::new(children);
    view! {
        <Show when=move || panel.read() == when>
            <Frame panel class title testid back=back.clone()>
                {children.read_value()()}
            </Frame>
        </Show>
    }
}

/// A sheet's close button (`close` is the node its sheet focuses on opening).
#[component]
pub fn CloseSheet(
    label: &'static str,
    panel: RwSignal<Panel>,
    close: NodeRef<Button>,
    /// Classes beside `lapak-icon-button`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button class=format!("lapak-icon-button {class}") aria-label=label node_ref=close on:click=move |_| panel.set(Panel::Closed)>
            <CloseIcon/>
        </button>
    }
}

#[component]
fn Frame(
    panel: RwSignal<Panel>,
    class: &'static str,
    title: &'static str,
    testid: &'static str,
    back: Option<(Panel, &'static str)>,
    children: Children,
) -> impl IntoView {
    let text = i18n::text();
    let close = NodeRef::new();
    use_focus_on_mount(close);
    let title_id = format!("lapak-{testid}-title");
    let labelled_by = title_id.clone();
    view! {
        <div class=format!("lapak-sheet {class}") role="dialog" aria-modal="true" aria-labelledby=labelled_by data-testid=testid on:keydown=keep_tab_inside>
            <div class="lapak-sheet-head">
                {back.map(|(to, label)| view! {
                    <button class="lapak-icon-button" aria-label=label on:click=move |_| panel.set(to.clone())>
                        <BackIcon/>
                    </button>
                })}
                <h2 id=title_id>{title}</h2>
                <CloseSheet label=text.close panel close/>
            </div>
            {children()}
        </div>
    }
}
