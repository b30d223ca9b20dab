//! The live preview, played by the viewer's own player, with the tags up now
//! over it. With a product picked, a tap on the picture pins it there, on the
//! frame the host tapped (its programme time), so viewers see the tag appear
//! on that same frame.

use lapak::browser::hls::use_player;
use leptos::html::Video;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Workspace;
use crate::text::Text;

/// Where in the picture `event` happened, 0..=1 each way.
fn spot(event: &leptos::ev::MouseEvent) -> Option<(f32, f32)> {
    let stage = event
        .current_target()?
        .dyn_into::<web_sys::Element>()
        .ok()?;
    let rect = stage.get_bounding_client_rect();
    let x = (f64::from(event.client_x()) - rect.left()) / rect.width();
    let y = (f64::from(event.client_y()) - rect.top()) / rect.height();
    let inside = |v: f64| (0.0..=1.0).contains(&v);
    (inside(x) && inside(y)).then_some((x as f32, y as f32))
}

/// The preview and its tags.
#[component]
pub fn Preview() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let video = NodeRef::<Video>::new();
    let url = Signal::derive(move || {
        workspace
            .show
            .read()
            .as_ref()
            .map(|s| s.playback_url.clone())
    });
    let player = use_player(video, url, Signal::derive(String::new));
    // The stage takes the picture's shape, so a tap's place is its place in the picture.
    let shape = RwSignal::new((9u32, 16u32));
    let measure = move || {
        if let Some(v) = video.get_untracked() {
            if v.video_width() > 0 && v.video_height() > 0 {
                shape.set((v.video_width(), v.video_height()));
            }
        }
    };
    let tap = move |event: leptos::ev::MouseEvent| {
        let (Some(product), Some(show)) = (workspace.selected.get_untracked(), workspace.show_id())
        else {
            return;
        };
        let Some((x, y)) = spot(&event) else { return };
        let at = player.programme_ms.get_untracked();
        leptos::task::spawn_local(async move {
            let name = workspace.name_of(&product);
            match workspace
                .api
                .get_value()
                .pin(&show, &product, x, y, at)
                .await
            {
                Ok(_) => {
                    workspace.notice.set(Some((text.pinned)(&name)));
                    workspace.selected.set(None);
                    workspace.refresh();
                }
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    let pins = move || workspace.pins();
    view! {
        <div
            class="studio-stage"
            class:is-pinning=move || workspace.selected.read().is_some()
            style:aspect-ratio=move || { let (w, h) = shape.get(); format!("{w} / {h}") }
            data-testid="preview"
            on:click=tap
        >
            <video
                node_ref=video
                class="studio-video"
                data-testid="preview-video"
                data-state=move || player.state.get().as_str()
                aria-label=text.preview
                autoplay=true
                muted=true
                playsinline=true
                on:loadedmetadata=move |_| measure()
                on:resize=move |_| measure()
            ></video>
            // Numbered dots: labels of products side by side would cover each
            // other; the list of tags up now carries the same numbers.
            <For each=move || pins().into_iter().enumerate() key=|(n, pin)| (*n, pin.product_id.clone(), pin.at) let:numbered>
                <span
                    class="studio-tag"
                    data-testid=format!("preview-tag-{}", numbered.1.product_id)
                    title=workspace.name_of(&numbered.1.product_id)
                    style:left=format!("{}%", numbered.1.x * 100.0)
                    style:top=format!("{}%", numbered.1.y * 100.0)
                >
                    {numbered.0 + 1}
                </span>
            </For>
        </div>
    }
}
