//! The show's clock at work: every tick, the timeline's cues that came due
//! (pins, unpins, flash deals), the end of deals whose time is up, and what the
//! hub gathered meanwhile.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use crate::clock::now_ms;
use crate::stage::Stage;

/// How often the timeline checks for due cues.
const TICK: Duration = Duration::from_millis(200);
/// When servers share the show, how far back a server that comes to lead it
/// plays the cues again: the lease's lapse and renewal, and some slack. What
/// the last leader did publish in that time is skipped (`Hub::play`, `Hub::start_deal`).
const TAKEOVER_MS: i64 = 5_000;

/// Plays the timeline: every tick, the start of a scheduled show, the cues that came due since the last one,
/// the end of deals whose time is up, and what the hub gathered meanwhile
/// (gift streaks, the leaderboard, chat lines, likes, the viewer count).
pub async fn play(state: Arc<Stage>, from_ms: i64) {
    let mut last = state.stream_ms(from_ms);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let wall = now_ms();
        let now = state.stream_ms(wall);
        if !state.hub.leads() {
            // Another server plays the show; from here, a takeover plays the
            // last seconds' cues again, so none falls between two leaders.
            last = state.stream_ms(wall - TAKEOVER_MS).max(last);
            state.hub.tick(wall);
            continue;
        }
        if let Some(on_air) = state.scheduled_on_air(wall) {
            state.hub.on_air(on_air);
        }
        // An ended show's script is over: its replay shows what happened.
        let ended = state.hub.now().1 == lapak_protocol::OnAir::Ended;
        let due = if ended {
            Vec::new()
        } else {
            state.show.cues_between(last, now)
        };
        for (at, cue) in due {
            match cue.deal(at) {
                Some(spec) => match state.deal(spec).await {
                    Ok(deal) => state.hub.start_deal(deal),
                    Err(error) => tracing::error!(%error, "cannot start a deal"),
                },
                None => state.hub.play(&[(state.wall_ms(at), cue)]),
            }
        }
        state.hub.end_deals(wall);
        state.hub.tick(wall);
        last = now.max(last);
    }
}
