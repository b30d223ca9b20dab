//! Servers sharing shows through NATS JetStream (`--nats`).
//!
//! - **One numbering per show.** Each show has a stream. A server puts the
//!   show events it makes on it; the stream numbers them once for all, and
//!   every server applies them to its mirror of the show in that order and
//!   sends them to its own viewers (`Hub::deliver`). A viewer's `seq` thus
//!   means the same event on every server, and `epoch` (the stream's creation
//!   time) the same history: a viewer that reconnects to another server
//!   resumes where it was.
//! - **One leader per show.** The show's gathered work — gift streaks, the
//!   200 ms chat and likes tick, the viewer count, the scripted timeline, the
//!   start and end of flash deals — is done by the server holding the show's
//!   lease in the key-value bucket [`LEASES`]. It renews the lease every
//!   [`RENEW`], and stops leading when a renewal is not confirmed in time,
//!   before the lease can lapse; the lease lapses [`LEASE`] after its holder
//!   stops (killed, cut off from NATS), and the next server to ask takes it
//!   over. The others send the leader what they gather (`hub::Input`) and how
//!   many viewers they hold; a new leader tells them (`Input::Leads`), and they
//!   hand it the chat lines the last one did not publish.
//! - **What a server keeps in memory** for speed follows the others
//!   (`Stage::heard`, and the chat rules read every second by the show's own
//!   task): this module only carries the show's messages.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, kv, stream};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use lapak_protocol::ServerMsg;

use crate::hub::{Bus, Input};
use crate::stage::Stage;
use crate::AppError;

/// The key-value bucket of show leases.
const LEASES: &str = "lapak_leaders";
/// How long a lease lasts without renewal: a dead leader is replaced within
/// this and one [`RENEW`].
const LEASE: Duration = Duration::from_secs(2);
/// How often the leader renews its lease and the others ask for it. A leader
/// whose renewal is not confirmed within `LEASE - RENEW` of asking for the
/// last one stops leading: NATS counts the lease from when it stored that
/// renewal, later, so the lease is still its own until then.
const RENEW: Duration = Duration::from_millis(500);
/// How often every server tells the leader how many viewers it holds, and
/// checks its stream is the one it numbers by.
const REPORT: Duration = Duration::from_secs(1);
/// Events a show's stream keeps. A server opening the show mid-way builds its
/// mirror from them; viewers resume from the last `hub::HISTORY` of them.
const RETAINED: i64 = 10_000;
/// Events and input waiting for NATS, at most, before new ones are dropped.
const OUTBOX: usize = 10_000;
/// How long a server opening a show waits to catch up with its stream.
const CATCH_UP: Duration = Duration::from_secs(10);
/// How long after a lost NATS connection or stream a server tries again.
const RETRY: Duration = Duration::from_secs(1);

/// A connection to NATS, with JetStream and the lease bucket.
#[derive(Clone)]
pub struct Nats {
    client: async_nats::Client,
    js: jetstream::Context,
    leases: kv::Store,
}

/// Connects to NATS at `url` (`nats://host:port`); the lease bucket is made if missing.
pub async fn connect(url: &str) -> Result<Nats, AppError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| AppError::Config(format!("NATS connection: {e}")))?;
    let js = jetstream::new(client.clone());
    let leases = lease_bucket(&js)
        .await
        .map_err(|e| AppError::Config(format!("NATS lease bucket: {e}")))?;
    Ok(Nats { client, js, leases })
}

/// The bucket of show leases, made if missing (a NATS that lost its store has none).
async fn lease_bucket(js: &jetstream::Context) -> Result<kv::Store, async_nats::Error> {
    // why: the client's `create_key_value` first reads the account's limits,
    // whose answer Debian's nats-server 2.9 gives in an older shape; the
    // bucket is its stream, made here the way the key-value store lays it out.
    js.get_or_create_stream(stream::Config {
        name: format!("KV_{LEASES}"),
        subjects: vec![format!("$KV.{LEASES}.>")],
        max_messages_per_subject: 1,
        max_age: LEASE,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: stream::DiscardPolicy::New,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    Ok(js.get_key_value(LEASES).await?)
}

/// Where a server tells the others of a show scheduled through it.
const SHOWS_SCHEDULED: &str = "lapak.shows.scheduled";

/// Tells the other servers that show `id` was scheduled here (kept in the database).
pub async fn announce_show(nats: &Nats, id: &str) {
    let sent = nats
        .client
        .publish(SHOWS_SCHEDULED, id.to_owned().into())
        .await;
    if let Err(error) = sent {
        tracing::warn!(%error, show = %id, "the other servers were not told of a new show");
    }
}

/// The ids of the shows other servers schedule from now on, as they are
/// scheduled; `None` when NATS cannot tell.
pub async fn scheduled(nats: &Nats) -> Option<impl futures::Stream<Item = String> + Unpin> {
    match nats.client.subscribe(SHOWS_SCHEDULED).await {
        Ok(subscriber) => {
            Some(subscriber.map(|message| String::from_utf8_lossy(&message.payload).into_owned()))
        }
        Err(error) => {
            tracing::error!(%error, "cannot hear of shows scheduled elsewhere");
            None
        }
    }
}

/// What a show is called in NATS. Show ids are hex-encoded, so any id makes
/// valid stream names and subject tokens.
#[derive(Clone)]
struct Names {
    stream: String,
    events: String,
    inputs: String,
    lease: String,
}

impl Names {
    fn of(show_id: &str) -> Names {
        let hex: String = show_id.bytes().map(|b| format!("{b:02x}")).collect();
        Names {
            stream: format!("lapak_show_{hex}"),
            events: format!("lapak.show.{hex}.events"),
            inputs: format!("lapak.show.{hex}.inputs"),
            lease: format!("show_{hex}"),
        }
    }
}

/// The show's stream, made if missing.
async fn stream_of(js: &jetstream::Context, names: &Names) -> Result<stream::Stream, AppError> {
    js.get_or_create_stream(stream::Config {
        name: names.stream.clone(),
        subjects: vec![names.events.clone()],
        max_messages: RETAINED,
        storage: stream::StorageType::File,
        discard: stream::DiscardPolicy::Old,
        ..Default::default()
    })
    .await
    .map_err(|e| AppError::Config(format!("NATS stream {}: {e}", names.stream)))
}

/// A stream's history: its creation time in Unix milliseconds.
fn epoch_of(stream: &stream::Stream) -> u64 {
    let nanos = stream.cached_info().created.unix_timestamp_nanos();
    u64::try_from(nanos / 1_000_000).unwrap_or(0)
}

/// Shares `stage` with the other servers on `nats`: its events go through the
/// show's stream from now on. The tasks that carry them.
pub async fn share(stage: &Arc<Stage>, nats: &Nats) -> Result<Vec<JoinHandle<()>>, AppError> {
    let names = Names::of(&stage.show.id);
    let stream = stream_of(&nats.js, &names).await?;
    let (events, events_out) = mpsc::channel(OUTBOX);
    let (inputs, inputs_out) = mpsc::channel(OUTBOX);
    let slot = stage.instance.unsigned_abs();
    stage
        .hub
        .share(Bus { events, inputs }, epoch_of(&stream), slot);
    let caught_up = stream.cached_info().state.last_sequence;
    let inputs_in = nats
        .client
        .subscribe(names.inputs.clone())
        .await
        .map_err(|e| AppError::Config(format!("NATS subscription: {e}")))?;
    let tasks = vec![
        tokio::spawn(publish(nats.js.clone(), names.events.clone(), events_out)),
        tokio::spawn(forward(
            nats.client.clone(),
            names.inputs.clone(),
            inputs_out,
        )),
        tokio::spawn(gather(stage.clone(), inputs_in)),
        tokio::spawn(follow(stage.clone(), nats.js.clone(), names.clone())),
        tokio::spawn(report(stage.clone(), nats.client.clone(), names.clone())),
        tokio::spawn(lease(stage.clone(), nats.clone(), names)),
    ];
    // Viewers come once the show here has caught up with the stream: one
    // coming back from another server then resumes instead of starting over.
    if !stage.hub.reached(caught_up, CATCH_UP).await {
        tracing::warn!(show = %stage.show.id, "opened before catching up with the show's stream");
    }
    Ok(tasks)
}

/// Puts this server's show events on the stream, in the order they were made.
async fn publish(js: jetstream::Context, subject: String, mut events: mpsc::Receiver<Vec<u8>>) {
    while let Some(event) = events.recv().await {
        match js.publish(subject.clone(), event.into()).await {
            // The acknowledgement only reports; events leave in order without waiting for it.
            Ok(ack) => drop(tokio::spawn(async move {
                if let Err(error) = ack.await {
                    tracing::warn!(%error, "a show event was not stored");
                }
            })),
            Err(error) => tracing::warn!(%error, "a show event was not sent"),
        }
    }
}

/// Sends the leader what this server gathered.
async fn forward(client: async_nats::Client, subject: String, mut inputs: mpsc::Receiver<Input>) {
    while let Some(input) = inputs.recv().await {
        let payload = serde_json::to_vec(&input).expect("inputs always serialize");
        if let Err(error) = client.publish(subject.clone(), payload.into()).await {
            tracing::warn!(%error, "input for the show's leader was not sent");
        }
    }
}

/// Hands the hub what other servers gathered (kept only while this one leads).
async fn gather(stage: Arc<Stage>, mut inputs: async_nats::Subscriber) {
    while let Some(message) = inputs.next().await {
        match serde_json::from_slice::<Input>(&message.payload) {
            Ok(input) => stage.hub.input(input),
            Err(error) => tracing::warn!(%error, "input from another server does not read"),
        }
    }
}

/// Applies the stream's events in order, for as long as the server runs:
/// after a lost connection it goes on from the last event it applied, and
/// after the stream was made anew (NATS lost its store) from the new start.
async fn follow(stage: Arc<Stage>, js: jetstream::Context, names: Names) {
    loop {
        if let Err(error) = follow_once(&stage, &js, &names).await {
            tracing::warn!(%error, show = %stage.show.id, "the show's stream is out of reach");
        }
        tokio::time::sleep(RETRY).await;
    }
}

async fn follow_once(
    stage: &Stage,
    js: &jetstream::Context,
    names: &Names,
) -> Result<(), async_nats::Error> {
    let stream = stream_of(js, names).await?;
    let epoch = epoch_of(&stream);
    if epoch != stage.hub.epoch() {
        tracing::warn!(show = %stage.show.id, "the show's stream was made anew: viewers get a fresh snapshot");
        stage.hub.restart(epoch);
    }
    let start_sequence = stage.hub.last_seq() + 1;
    let consumer = stream
        .create_consumer(consumer::push::OrderedConfig {
            deliver_subject: js.client().new_inbox(),
            deliver_policy: consumer::DeliverPolicy::ByStartSequence { start_sequence },
            ..Default::default()
        })
        .await?;
    let mut messages = consumer.messages().await?;
    let mut check = tokio::time::interval(REPORT);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return Ok(()) };
                let message = message?;
                let seq = message.info()?.stream_sequence;
                match serde_json::from_slice::<ServerMsg>(&message.payload) {
                    Ok(event) => {
                        // What this server keeps in memory follows before its viewers hear of it.
                        stage.heard(&event).await?;
                        stage.hub.deliver(seq, event);
                    }
                    Err(error) => tracing::warn!(%error, seq, "a show event does not read"),
                }
            }
            _ = check.tick() => {
                let info = js.get_stream(&names.stream).await?;
                if epoch_of(&info) != epoch {
                    return Ok(());
                }
            }
        }
    }
}

/// Holds or seeks the show's lease every [`RENEW`]. The holder leads.
async fn lease(stage: Arc<Stage>, mut nats: Nats, names: Names) {
    let me = stage.instance.to_string();
    // The lease's revision, and until when it is surely this server's.
    let mut held: Option<(u64, Instant)> = None;
    let mut every = tokio::time::interval(RENEW);
    loop {
        every.tick().await;
        let asked = Instant::now();
        let until = asked + LEASE - RENEW;
        held = match held {
            Some((revision, sure_until)) => {
                let renewed = nats
                    .leases
                    .update(&names.lease, me.clone().into(), revision);
                // Unconfirmed by then, the lease may lapse: another server may lead.
                match tokio::time::timeout_at(sure_until, renewed).await {
                    Ok(Ok(revision)) => Some((revision, until)),
                    _ => None,
                }
            }
            None => match nats.leases.create(&names.lease, me.clone().into()).await {
                Ok(revision) => Some((revision, until)),
                Err(error) if error.kind() == kv::CreateErrorKind::AlreadyExists => None,
                Err(_) => {
                    // The bucket may be gone with a NATS that lost its store: made again.
                    if let Ok(leases) = lease_bucket(&nats.js).await {
                        nats.leases = leases;
                    }
                    None
                }
            },
        };
        let holds = held.is_some_and(|(_, sure_until)| Instant::now() < sure_until);
        match (holds, stage.hub.leads()) {
            (true, false) => match take_lead(&stage, &nats, &names).await {
                Ok(true) => tracing::info!(show = %stage.show.id, "this server leads the show"),
                // Still held: tried again at the next renewal.
                Ok(false) => {
                    tracing::warn!(show = %stage.show.id, "the show's stream is not caught up with yet")
                }
                Err(error) => tracing::warn!(%error, "cannot take the show's lead"),
            },
            (false, true) => {
                stage.hub.follow();
                tracing::info!(show = %stage.show.id, "another server leads the show");
            }
            _ => {}
        }
    }
}

/// Leads the show from now on, once this server has applied every event the
/// show's stream holds (the last leader's last lines and cues, so none is
/// published twice), and tells the others; whether it does.
async fn take_lead(stage: &Stage, nats: &Nats, names: &Names) -> Result<bool, AppError> {
    let stream = stream_of(&nats.js, names).await?;
    let last = stream.cached_info().state.last_sequence;
    if !stage.hub.reached(last, RENEW).await {
        return Ok(false);
    }
    stage.hub.lead(leaders_gifters(stage).await?);
    let leads = serde_json::to_vec(&Input::Leads).expect("inputs always serialize");
    if let Err(error) = nats
        .client
        .publish(names.inputs.clone(), leads.into())
        .await
    {
        tracing::warn!(%error, "the other servers were not told this one leads the show");
    }
    Ok(true)
}

/// Every [`REPORT`], unless this server leads: how many viewers it holds,
/// told to the leader.
async fn report(stage: Arc<Stage>, client: async_nats::Client, names: Names) {
    let mut every = tokio::time::interval(REPORT);
    loop {
        every.tick().await;
        if !stage.hub.leads() {
            let present = Input::Present {
                server: stage.instance,
                viewers: stage.hub.viewers_here(),
            };
            let payload = serde_json::to_vec(&present).expect("inputs always serialize");
            let _ = client.publish(names.inputs.clone(), payload.into()).await;
        }
    }
}

/// Every gifter's total as the database has it: where a new leader's
/// leaderboard counts on from.
async fn leaders_gifters(stage: &Stage) -> Result<Vec<lapak_protocol::Gifter>, AppError> {
    let mut conn = stage.pool.acquire().await?;
    crate::progress::gifters(&mut conn, &stage.show.id).await
}
