//! The live preview, played by the viewer's own player, with the tags up now
//! over it. With a product picked, a tap on the picture pins it there, on the
//! frame the host tapped (its programme time), so viewers see the tag appear
//! on that same frame. A tag dragged to another spot moves there; a tag tapped
//! is unpinned.

use lapak_player::use_player;
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

/// A tag being dragged: its product, where it is now, and whether it moved.
#[derive(Clone, Debug, PartialEq)]
struct Drag {
    product: String,
    x: f32,
    y: f32,
    moved: bool,
}

/// How far (a share of the picture) a tag must go to count as dragged, not tapped.
const DRAG_AT_LEAST: f32 = 0.01;
/// How far an arrow key moves the aim; with Shift, [`AIM_STRIDE`].
const AIM_STEP: f32 = 0.02;
const AIM_STRIDE: f32 = 0.1;

/// The aim at `aim` after `key`; `None` for a key that does not move it.
fn aimed(aim: (f32, f32), key: &str, shift: bool) -> Option<(f32, f32)> {
    let step = if shift { AIM_STRIDE } else { AIM_STEP };
    let (dx, dy) = match key {
        "ArrowLeft" => (-step, 0.0),
        "ArrowRight" => (step, 0.0),
        "ArrowUp" => (0.0, -step),
        "ArrowDown" => (0.0, step),
        _ => return None,
    };
    Some(((aim.0 + dx).clamp(0.0, 1.0), (aim.1 + dy).clamp(0.0, 1.0)))
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
    // Pins (or moves) `product` to (x, y) on the frame on screen now.
    let place = move |product: String, x: f32, y: f32| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        let at = player.programme_ms.get_untracked();
        // A tag up already is moved, not pinned again: say which.
        let said = if workspace.is_pinned(&product) {
            text.moved
        } else {
            text.pinned
        };
        leptos::task::spawn_local(async move {
            let name = workspace.name_of(&product);
            match workspace
                .api
                .get_value()
                .pin(&show, &product, x, y, at)
                .await
            {
                Ok(_) => {
                    workspace.notice.set(Some(said(&name)));
                    workspace.selected.set(None);
                    workspace.refresh();
                }
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    let dragging = RwSignal::new(None::<Drag>);
    // The click that ends a drag or a tap on a tag is not a tap on the picture.
    let ended_on_tag = StoredValue::new(false);
    let tap = move |event: leptos::ev::MouseEvent| {
        if std::mem::take(&mut *ended_on_tag.write_value()) {
            return;
        }
        let Some(product) = workspace.selected.get_untracked() else {
            return;
        };
        if let Some((x, y)) = spot(&event) {
            place(product, x, y);
        }
    };
    let drag = move |event: leptos::ev::PointerEvent| {
        let Some((x, y)) = spot(&event) else { return };
        dragging.update(|d| {
            if let Some(d) = d {
                d.moved |= (d.x - x).abs().max((d.y - y).abs()) >= DRAG_AT_LEAST;
                (d.x, d.y) = (x, y);
            }
        });
    };
    let drop = move |_: leptos::ev::PointerEvent| {
        let Some(drag) = dragging.get_untracked() else {
            return;
        };
        dragging.set(None);
        ended_on_tag.set_value(true);
        if drag.moved {
            place(drag.product, drag.x, drag.y);
        } else {
            workspace.unpin(drag.product);
        }
    };
    let stage = NodeRef::<leptos::html::Div>::new();
    // Without a pointer: a picked product's aim moves with the arrow keys and
    // Enter pins it there. Picking a product brings the keys to the picture.
    let aim = RwSignal::new((0.5f32, 0.5f32));
    Effect::new(move |_| {
        if workspace.selected.read().is_some() {
            if let Some(stage) = stage.get_untracked() {
                let _ = stage.focus();
            }
        }
    });
    let keys = move |event: leptos::ev::KeyboardEvent| {
        let Some(product) = workspace.selected.get_untracked() else {
            return;
        };
        let key = event.key();
        if key == "Enter" || key == " " {
            event.prevent_default();
            let (x, y) = aim.get_untracked();
            place(product, x, y);
        } else if let Some(moved) = aimed(aim.get_untracked(), &key, event.shift_key()) {
            event.prevent_default();
            aim.set(moved);
        }
    };
    let aim_label = move || {
        let product = workspace.selected.get()?;
        let (x, y) = aim.get();
        let percent = |v: f32| (v * 100.0).round() as u32;
        Some((text.aim_at)(
            &workspace.name_of(&product),
            percent(x),
            percent(y),
        ))
    };
    let grab = move |event: leptos::ev::PointerEvent, pin: &lapak_protocol::Pin| {
        event.stop_propagation();
        event.prevent_default();
        if let Some(stage) = stage.get_untracked() {
            // Moves keep coming to the stage even when the pointer leaves it.
            let _ = stage.set_pointer_capture(event.pointer_id());
        }
        dragging.set(Some(Drag {
            product: pin.product_id.clone(),
            x: pin.x,
            y: pin.y,
            moved: false,
        }));
    };
    // Where a tag shows: where it is being dragged, else where it is pinned.
    let at = move |pin: &lapak_protocol::Pin| {
        dragging.with(|d| match d {
            Some(d) if d.product == pin.product_id => (d.x, d.y),
            _ => (pin.x, pin.y),
        })
    };
    let pins = move || workspace.pins();
    view! {
        <div
            class="studio-stage"
            class:is-pinning=move || workspace.selected.read().is_some()
            style:aspect-ratio=move || { let (w, h) = shape.get(); format!("{w} / {h}") }
            data-testid="preview"
            node_ref=stage
            tabindex=move || workspace.selected.read().is_some().then_some("0")
            role=move || workspace.selected.read().is_some().then_some("application")
            aria-label=aim_label
            on:keydown=keys
            on:click=tap
            on:pointerdown=move |_| ended_on_tag.set_value(false)
            on:pointermove=drag
            on:pointerup=drop
            on:pointercancel=move |_| dragging.set(None)
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
            <span class="studio-aim" aria-hidden="true" data-testid="preview-aim"
                style:left=move || format!("{}%", aim.get().0 * 100.0)
                style:top=move || format!("{}%", aim.get().1 * 100.0)></span>
            // Numbered dots: labels of products side by side would cover each
            // other; the list of tags up now carries the same numbers.
            <For each=move || pins().into_iter().enumerate() key=|(n, pin)| (*n, pin.product_id.clone(), pin.at) let:numbered>
                {
                    let (n, pin) = numbered;
                    let name = workspace.name_of(&pin.product_id);
                    let (left, top) = (pin.clone(), pin.clone());
                    let product = pin.product_id.clone();
                    view! {
                        <span
                            class="studio-tag"
                            class:is-dragging=move || dragging.with(|d| d.as_ref().is_some_and(|d| d.product == product))
                            data-testid=format!("preview-tag-{}", pin.product_id)
                            title=(text.drag_or_tap)(&name)
                            style:left=move || format!("{}%", at(&left).0 * 100.0)
                            style:top=move || format!("{}%", at(&top).1 * 100.0)
                            on:pointerdown={ let pin = pin.clone(); move |event| grab(event, &pin) }
                        >
                            {n + 1}
                        </span>
                    }
                }
            </For>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::aimed;

    #[test]
    fn the_arrow_keys_move_the_aim_within_the_picture() {
        let close =
            |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6;
        assert!(close(
            aimed((0.5, 0.5), "ArrowLeft", false).unwrap(),
            (0.48, 0.5)
        ));
        assert!(close(
            aimed((0.5, 0.5), "ArrowDown", true).unwrap(),
            (0.5, 0.6)
        ));
        assert!(
            close(aimed((0.01, 0.99), "ArrowLeft", true).unwrap(), (0.0, 0.99)),
            "held at the edge"
        );
        assert!(close(
            aimed((0.5, 0.99), "ArrowDown", false).unwrap(),
            (0.5, 1.0)
        ));
        assert_eq!(aimed((0.5, 0.5), "a", false), None);
    }
}
