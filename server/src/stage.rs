//! One show running on the server, as its commands and requests reach it:
//! its file, its event hub, its community, its clock, and the narrow parts of
//! the server it acts through (the database and its writer lock, payments,
//! the sessions' channels, live video).

use std::sync::Arc;

use lapak_protocol::replay::ReplayInfo;
use lapak_protocol::{Deal, OnAir, ServerMsg};

use crate::clock::{now_ms, Clock};
use crate::community_state::Community;
use crate::db::{Pool, Writer};
use crate::error::AppError;
use crate::hub::{Hub, Sessions};
use crate::limit::Limits;
use crate::live::Live;
use crate::payment::Payments;
use crate::show::{DealSpec, Playback, ShowFile};
use crate::{chat_rules, deals, origins};

/// One show running on the server. Every command and request acts on one
/// show, so this is what they are handed.
pub struct Stage {
    pub(crate) show: ShowFile,
    pub(crate) hub: Hub,
    /// Chat limits, watch clocks and how connected viewers look to others.
    pub(crate) community: Community,
    /// The pages that may open the socket to this show.
    pub(crate) origins: origins::Origins,
    /// When the show started, and its timeline's speed.
    pub(crate) clock: Clock,
    /// Flash deals hosts started, beside the timeline's.
    pub(crate) hosted_deals: deals::HostedDeals,
    /// The database.
    pub(crate) pool: Pool,
    /// The same database with `synchronous = FULL`, for order and coin transactions.
    pub(crate) orders_pool: Pool,
    /// Serializes the show's writes in this process, so its concurrent
    /// commands never race in the database. Each show has its own on
    /// PostgreSQL, where shows write at once; on SQLite it is the server's.
    pub(crate) writer: Writer,
    /// Takes the money.
    pub(crate) payments: Arc<Payments>,
    /// Each session's channel to all its tabs.
    pub(crate) sessions: Arc<Sessions>,
    /// Per-connection limits.
    pub(crate) limits: Limits,
    /// Live video of the shows ingested here.
    pub(crate) live: Arc<Live>,
    /// This process among the servers sharing the show.
    pub(crate) instance: i64,
    /// Orders paid, or changed by the brand (`checkout::after`), here so far,
    /// for the studio's event stream.
    pub(crate) paid: tokio::sync::watch::Sender<u64>,
}

impl Stage {
    /// What the viewer plays for the show, and whether it is HLS.
    pub fn playback(&self) -> Playback {
        self.show.playback()
    }

    /// Whether the show is on air (and its changes), when its video is ingested here.
    pub fn on_air(&self) -> Option<tokio::sync::watch::Receiver<OnAir>> {
        self.live.show(&self.show.id).map(|show| show.on_air())
    }

    /// Where a show whose picture does not come through this server stands by
    /// its schedule: waiting before its start, then live. `None` for a show
    /// ingested here, whose encoder decides.
    pub(crate) fn scheduled_on_air(&self, now_ms: i64) -> Option<OnAir> {
        if self.live.show(&self.show.id).is_some() {
            return None;
        }
        Some(if now_ms < self.clock.started_at_ms {
            OnAir::Waiting
        } else {
            OnAir::Live
        })
    }

    /// When the show is to begin, if it has not by `now_ms`.
    pub(crate) fn scheduled_start(&self, now_ms: i64) -> Option<i64> {
        self.clock.scheduled_start(now_ms)
    }

    /// Stream time at server time `now_ms`.
    pub(crate) fn stream_ms(&self, now_ms: i64) -> u64 {
        self.clock.stream_ms(now_ms)
    }

    /// Server time at stream time `stream_ms`: the programme date-time of a cue.
    pub(crate) fn wall_ms(&self, stream_ms: u64) -> i64 {
        self.clock.wall_ms(stream_ms)
    }

    /// The deals running now.
    pub(crate) fn running_deals(&self) -> Vec<DealSpec> {
        self.deals_at(self.stream_ms(now_ms()))
    }

    /// The deals running for a viewer whose picture runs `behind_ms` behind
    /// server time `now_ms`: on its picture's clock, within the bound.
    pub(crate) fn deals_seen(&self, now_ms: i64, behind_ms: u32) -> Vec<DealSpec> {
        self.deals_at(self.stream_ms(lapak_protocol::deal_clock_ms(now_ms, behind_ms)))
    }

    /// The deals running at stream time `stream_ms`: the timeline's and the hosts'.
    pub(crate) fn deals_at(&self, stream_ms: u64) -> Vec<DealSpec> {
        let mut deals = self.show.deals_at(stream_ms);
        deals.extend(self.hosted_deals.running(stream_ms));
        deals
    }

    /// What a viewer needs to play the show's replay, while there is one.
    pub(crate) fn replay(&self) -> Option<ReplayInfo> {
        let live = self.live.show(&self.show.id)?;
        let (starts_ms, ends_ms) = live.replay_window()?;
        let id = &self.show.id;
        Some(ReplayInfo {
            video_url: format!("/hls/{id}/replay.m3u8"),
            log_url: format!("/api/v1/shows/{id}/replay/log"),
            starts_ms,
            ends_ms,
            chat: !live.replay_settings().chat_hidden,
        })
    }

    /// Brings what this server keeps in memory up to `event`, which a server
    /// sharing the show published: prices come from the hosts' deals, so
    /// those are read again when a host started or stopped one there.
    pub(crate) async fn heard(&self, event: &ServerMsg) -> Result<(), AppError> {
        let hosted = match event {
            ServerMsg::DealStarted { deal, .. } => deals::is_hosted(&deal.id),
            ServerMsg::DealEnded { deal_id, .. } => deals::is_hosted(deal_id),
            _ => false,
        };
        if hosted {
            let mut conn = self.pool.acquire().await?;
            let now = self.stream_ms(now_ms());
            self.hosted_deals
                .reload(&mut conn, &self.show.id, now)
                .await?;
        }
        Ok(())
    }

    /// Puts in force the chat rules as a moderator last set them, on
    /// whichever server shares the show.
    pub(crate) async fn refresh_chat_rules(&self) -> Result<(), AppError> {
        let mut conn = self.pool.acquire().await?;
        let stored = chat_rules::stored(&mut conn, &self.show.id).await?;
        // Only a change: putting rules in force starts slow mode's clocks again.
        if stored != self.community.rules.get() {
            self.community.rules.set(stored);
        }
        Ok(())
    }

    /// A deal as viewers see it, with what is left of it in the database.
    pub(crate) async fn deal(&self, spec: DealSpec) -> Result<Deal, AppError> {
        let mut conn = self.pool.acquire().await?;
        let sold = deals::sold(&mut conn, &self.show.id, &spec.id).await?;
        Ok(Deal {
            product_id: spec.product_id,
            price: self.show.money(spec.price),
            starts_at_ms: self.wall_ms(spec.start_ms),
            ends_at_ms: self.wall_ms(spec.end_ms),
            quantity: spec.quantity,
            remaining: spec.quantity.saturating_sub(sold),
            per_buyer: spec.per_buyer,
            id: spec.id,
        })
    }
}
