//! The video and the show header over it: host, LIVE (or REPLAY) badge,
//! viewer count. A replay plays its recording, from the link's start, moved
//! by the store's seek requests, with its controls along the bottom.
mod upcoming;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::fullscreen;
use crate::browser::hls::{self, PlayerState};
use crate::browser::intl::format_count;
use crate::browser::keys::{key_of, Shortcut};
use crate::features::captions::Captions;
use crate::features::icons::{EyeIcon, FullscreenIcon, SoundIcon};
use crate::features::later::later;
use crate::features::replay::{replay_controls, replaying};
use crate::features::sheet::{lazy_body, lazy_view, SplitLoaderError};
use crate::i18n;
use crate::store::{ReplayStoreFields, State, StateStoreFields};
use lapak_protocol::{AfterShow, OnAir};
use upcoming::UpcomingShow;
use wasm_bindgen::JsCast;

/// The stream: a portrait video that starts muted (browsers only autoplay
/// muted video), with a sound toggle. The `browser::hls` adapter gives the
/// video its source: a live HLS stream, a replay's recording, or a file that loops.
#[component]
pub fn Player(
    /// The whole state.
    state: Store<State>,
    /// Whether the sound is off (the shopper's toggle, or the host page's `mute()`).
    muted: RwSignal<bool>,
    /// Whether the shopper wants captions (when the video has them).
    captions_on: RwSignal<bool>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let show = state.show();
    let replay = state.replay().info();
    // A replay plays its recording, a live show its stream: none before it
    // begins, which would only be asked for and not found.
    let waiting = Memo::new(move |_| state.on_air().get() == OnAir::Waiting);
    let source = Signal::derive(move || match &*replay.read() {
        Some(replay) => Some(replay.video_url.clone()),
        None if waiting.get() => None,
        None => show.read().as_ref().map(|s| s.stream_url.clone()),
    });
    let video = NodeRef::new();
    let assets = Signal::derive(move || state.asset_base().get());
    let replaying = replaying(state);
    let player = hls::use_player(video, source, assets);
    // Tags and deal starts wait for the frame on screen (store::picture).
    Effect::new(move |_| actions.playhead(player.shows_until_ms()));
    // Deals run on the picture's clock: the server hears how far a live
    // picture runs behind (a replay's has no deals).
    let on_air = state.on_air();
    let on_air = Signal::derive(move || {
        !replaying.get() && matches!(on_air.get(), OnAir::Live | OnAir::Paused)
    });
    let offset = state.clock_offset_ms();
    Effect::new(move |_| {
        if let Some(at) = player.programme_ms.get().filter(|_| on_air.get()) {
            let server_ms = crate::browser::clock::now_ms() + offset.get_untracked();
            actions.picture_at(at, server_ms);
        }
    });
    // A replay's seeks: its start from the link, then the seek bar, chapters, moments.
    let seek = state.replay().seek();
    Effect::new(move |_| {
        if let Some(seek) = seek.get() {
            // why: queued behind this update's other effects, so that when the
            // same update gave the player a new source (a replay's first
            // Welcome), the seek reaches the new stream and not the old one.
            leptos::task::spawn_local(async move { player.seek_programme(seek.to_ms) });
        }
    });
    // A video file's caption tracks (an HLS stream carries its own).
    let tracks = move || {
        show.read()
            .as_ref()
            .map(|s| {
                s.captions
                    .iter()
                    .map(|t| {
                        view! { <track kind="captions" src=t.url.clone() srclang=t.language.clone() label=t.label.clone()/> }
                    })
                    .collect_view()
            })
    };
    let poster = move || show.read().as_ref().map(|s| s.poster_url.clone());
    let label = move || {
        show.read()
            .as_ref()
            .map(|s| (text.video_label)(&s.host_name))
    };
    view! {
        <video
            class="lapak-video"
            data-testid="player"
            node_ref=video
            data-state=move || player.state.get().as_str()
            data-programme-ms=move || player.programme_ms.get()
            poster=poster
            // why: a caption track on another origin (an embed's server) loads
            // only with CORS, and then the video must be fetched with it too.
            crossorigin=move || show.with(|s| s.as_ref().is_some_and(|s| !s.captions.is_empty())).then_some("anonymous")
            aria-label=label
            autoplay=true
            muted=true
            playsinline=true
            prop:muted=muted
            on:playing=move |_| actions.playing(true)
            on:pause=move |_| actions.playing(false)
            on:waiting=move |_| actions.playing(false)
            on:ended=move |_| actions.playing(false)
        >
            {tracks}
        </video>
        <button
            class="lapak-round lapak-mute"
            data-testid="mute-button"
            aria-keyshortcuts=key_of(Shortcut::Sound)
            aria-pressed=move || (!muted.get()).to_string()
            aria-label=move || if muted.get() { text.unmute } else { text.mute }
            on:click=move |_| muted.update(|m| *m = !*m)
        >
            <SoundIcon muted=muted/>
        </button>
        <PictureStatus state player/>
        <UpcomingShow state/>
        {later(move || captions_layer(state, video, captions_on))}
        <FullscreenButton/>
        <Show when=move || replaying.get()>
            {lazy_body(move || replay_controls(state, player.programme_ms.into()))}
        </Show>
    }
}

/// The whole widget fullscreen and back (where the browser allows it).
#[component]
fn FullscreenButton() -> impl IntoView {
    let text = i18n::text();
    if !fullscreen::available() {
        return None;
    }
    let on = fullscreen::watch();
    Some(view! {
        <button
            class="lapak-round lapak-fullscreen"
            data-testid="fullscreen-button"
            aria-pressed=move || on.get().to_string()
            aria-label=text.fullscreen
            on:click=move |ev| {
                if let Some(button) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    fullscreen::toggle(&button);
                }
            }
        >
            <FullscreenIcon on=on/>
        </button>
    })
}

/// What the picture is doing, when the shopper should know: the show has not
/// started, the host is away, it has ended, it is loading or cannot play, or it
/// is behind live (with a button back to live).
#[component]
fn PictureStatus(state: Store<State>, player: hls::PlayerHandle) -> impl IntoView {
    let text = i18n::text();
    let on_air = state.on_air();
    // A replay plays an ended show: only the picture's own state is news.
    let replaying = replaying(state);
    let live_state = move || (!replaying.get()).then(|| on_air.get());
    let notice = move || match (live_state(), player.state.get()) {
        // Said, with its start and "Remind me", by `UpcomingShow`.
        (Some(OnAir::Waiting), _) => None,
        (Some(OnAir::Paused), _) => Some(("paused", text.right_back)),
        (Some(OnAir::Ended), _) => Some(("ended", text.show_ended)),
        (_, PlayerState::Failed) => Some(("failed", text.cannot_play)),
        (_, PlayerState::Loading | PlayerState::Buffering) => Some(("buffering", text.buffering)),
        _ => None,
    };
    let behind = move || match (on_air.get(), player.state.get()) {
        (OnAir::Live, PlayerState::Behind { delay_ms }) => Some(delay_ms),
        _ => None,
    };
    let seconds = move |delay_ms: u32| {
        let locale = state.locale().read();
        (text.behind_live)(&format_count((delay_ms + 500) / 1000, &locale.tag))
    };
    view! {
        {move || notice().map(|(kind, message)| view! {
            <div class="lapak-picture-status" data-testid="picture-status" data-state=kind role="status">
                <span class="lapak-picture-status-text">{message}</span>
                {move || (kind == "ended").then(|| view! { <Ended state/> })}
            </div>
        })}
        {move || behind().map(|delay_ms| view! {
            <button
                class="lapak-go-live"
                data-testid="go-live"
                on:click=move |_| player.go_live()
            >
                <span class="lapak-go-live-delay">{seconds(delay_ms)}</span>
                <span class="lapak-go-live-action">{text.go_live}</span>
            </button>
        })}
    }
}

/// Under "the show has ended": what still works, and what the brand offers
/// after the show: the replay, by a button that opens it in place once the
/// server says it can be watched; or a link to the brand's shop; or nothing.
#[component]
fn Ended(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let offered = move || state.replay_offer().read().is_some();
    let shop = move || match state.show().read().as_ref().map(|s| &s.after) {
        Some(AfterShow::Shop { url }) => Some(url.clone()),
        _ => None,
    };
    view! {
        <span class="lapak-picture-status-when" data-testid="ended-hint">{text.ended_hint}</span>
        <Show when=offered>
            <button class="lapak-primary lapak-watch-replay" data-testid="watch-replay" on:click=move |_| actions.watch_replay()>
                {text.watch_replay}
            </button>
        </Show>
        {move || shop().map(|url| view! {
            <a class="lapak-primary lapak-watch-replay" data-testid="visit-shop" href=url target="_blank" rel="noopener">
                {text.visit_shop}
            </a>
        })}
    }
}

/// Host avatar and name, the show title, the LIVE (or REPLAY) badge and how many are watching.
#[component]
pub fn ShowHeader(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let show = state.show();
    let field = move |pick: fn(&crate::store::ShowInfo) -> &String| {
        move || show.read().as_ref().map(pick).cloned().unwrap_or_default()
    };
    let watching = move || {
        let locale = state.locale().read();
        (text.watching)(&format_count(state.viewers().get(), &locale.tag))
    };
    let replaying = replaying(state);
    // Not before the show begins, nor after it ends: only while it is on, or replayed.
    let badge = move || {
        if replaying.get() {
            Some(
                view! { <span class="lapak-live is-replay" data-testid="replay-badge">{text.replay}</span> },
            )
        } else {
            matches!(state.on_air().get(), OnAir::Live | OnAir::Paused).then(
                || view! { <span class="lapak-live" data-testid="live-badge">{text.live}</span> },
            )
        }
    };
    view! {
        <header class="lapak-header">
            <img class="lapak-avatar" src=field(|s| &s.host_avatar) alt="" width="40" height="40"/>
            <div class="lapak-host">
                <span class="lapak-host-name" data-testid="host-name">{field(|s| &s.host_name)}</span>
                <span class="lapak-show-title">{field(|s| &s.title)}</span>
            </div>
            <div class="lapak-badges">
                {badge}
                // A replay has no audience to count: "0 watching" would only say it is empty.
                <Show when=move || !replaying.get()>
                    <span class="lapak-viewers" data-testid="viewer-count">
                        <EyeIcon/>
                        {watching}
                    </span>
                </Show>
            </div>
        </header>
    }
}

// The caption button and overlay, in their own chunk: the tags come first (see `later`).
lazy_view!(
    captions,
    fn captions_layer(
        state: Store<State>,
        video: NodeRef<leptos::html::Video>,
        on: RwSignal<bool>,
    ) {
        view! { <Captions state video on/> }.into_any()
    }
);
