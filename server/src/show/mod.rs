//! The show file (host, catalogue, gifting, community, timeline) and the timeline's arithmetic:
//! which tags are up and which products have been featured at a stream time.

use std::collections::HashSet;
use std::path::Path;

use lapak_protocol::{
    check_translations, forget_before, CoinPack, Gift, GiftTier, Host, Money, Pin, Product,
    ProductId, ShippingOption, TagChange, Translations, Variant, TAG_LOG_MS,
};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::text::label;

pub mod community;

/// A show as its data file describes it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShowFile {
    /// Show id.
    pub id: String,
    /// The brand whose owners, hosts and moderators run the show (`access`).
    #[serde(default = "default_brand")]
    pub brand: String,
    /// Title.
    pub title: String,
    /// When the show is scheduled to begin, with its offset
    /// (`2026-12-24T19:00:00+07:00`): the schedule lists it as upcoming and
    /// its timeline waits until then. Without it, it begins when first loaded.
    /// A TOML date-time in a show file, a string in JSON.
    #[serde(
        default,
        deserialize_with = "start_time",
        serialize_with = "start_time_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub starts_at: Option<toml::value::Datetime>,
    /// ISO 4217 currency of every price.
    pub currency: String,
    /// A video file's URL (a looping recording: tests and scripted shows). A
    /// show has this or a `[video]` table.
    #[serde(default)]
    pub stream_url: Option<String>,
    /// Live video: packaged from the host's RTMP, or played from elsewhere.
    #[serde(default)]
    pub video: Option<Video>,
    /// Poster image URL.
    pub poster_url: String,
    /// WebVTT caption tracks for the video file of `stream_url` (an HLS
    /// stream carries its own, as subtitle renditions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<lapak_protocol::CaptionTrack>,
    /// Length of the timeline loop.
    pub loop_ms: u64,
    /// Who is on camera.
    pub host: Host,
    /// The catalogue; `stock` seeds the database on first start.
    pub products: Vec<ProductEntry>,
    /// Ways to ship an order.
    pub shipping: Vec<ShippingEntry>,
    /// Cues, at times into the loop; a show its host runs from the studio needs none.
    #[serde(default)]
    pub timeline: Vec<Cue>,
    /// Coin packs and gifts; a show without the table has neither.
    #[serde(default)]
    pub gifting: Gifting,
    /// Pinned message, blocklist, Fan Club, badges and missions; a show without
    /// the table has chat and likes only.
    #[serde(default)]
    pub community: community::Settings,
    /// Origins whose pages may open the socket (see `origins`); empty for anyone.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// What the shoppers watching when the show ends are offered: its
    /// replay (without the table), a link to the brand's shop, or nothing.
    #[serde(default, skip_serializing_if = "lapak_protocol::AfterShow::is_replay")]
    pub after: lapak_protocol::AfterShow,
}

/// How many caption tracks (languages) a show may list.
const MAX_CAPTION_TRACKS: usize = 8;

/// The show file's `[video]` table.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Video {
    /// Where the video comes from.
    pub source: VideoSource,
    /// With `source = "external"`: the HLS address viewers play.
    #[serde(default)]
    pub hls_url: Option<String>,
    /// With `source = "ingest"`: also encode a 360p rendition (costs CPU).
    #[serde(default)]
    pub rendition_360p: bool,
    /// With `source = "ingest"`: serve the live playlists as low-latency HLS
    /// (parts, blocking reloads); `false` serves ordinary HLS, for CDNs
    /// without low-latency support. Default `true`.
    #[serde(default = "low_latency_default")]
    pub low_latency: bool,
}

fn low_latency_default() -> bool {
    true
}

/// Where a show's live video comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoSource {
    /// The host publishes RTMP to this server, which packages it as HLS.
    Ingest,
    /// Another service packages it; the viewer plays `hls_url`.
    External,
}

/// What the viewer plays for a show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Playback {
    /// The address: absolute, or a path on this server.
    pub url: String,
    /// Whether it is an HLS playlist (rather than a file the browser plays itself).
    pub hls: bool,
}

/// The show file's `[gifting]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gifting {
    /// What the host earns per coin of gifts, in minor units of the show currency.
    pub host_credit_per_coin: i64,
    /// Coin packs for sale.
    #[serde(default)]
    pub packs: Vec<PackEntry>,
    /// Gifts viewers can send.
    #[serde(default)]
    pub gifts: Vec<Gift>,
}

/// A coin pack in the show file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackEntry {
    /// Pack id.
    pub id: String,
    /// Coins credited.
    pub coins: u32,
    /// Price in minor units of the show currency.
    pub price: i64,
}

/// A product in the show file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    /// Product id.
    pub id: ProductId,
    /// Display name, in the brand's language.
    pub name: String,
    /// The name in other languages (`names = { id = "…" }`).
    #[serde(default)]
    pub names: Translations,
    /// Image URL.
    pub image_url: String,
    /// Unit price in minor units of the show currency.
    pub price: i64,
    /// Most units of one variant a cart may hold.
    pub max_per_order: u32,
    /// Variants with their initial stock.
    pub variants: Vec<Variant>,
}

impl ProductEntry {
    /// Why the product cannot be sold, if it cannot: its text as shoppers
    /// read it ([`text::label`](crate::text::label)), its
    /// translations, a variant, a price ≥ 0 and max_per_order ≥ 1.
    pub fn check(&self) -> Result<(), String> {
        label(&self.id).map_err(|e| format!("a product's id {e}"))?;
        let translations =
            std::iter::once(&self.names).chain(self.variants.iter().map(|v| &v.labels));
        for names in translations {
            check_translations(names).map_err(|e| format!("product {}: {e}", self.id))?;
        }
        self.check_text()?;
        if self.variants.is_empty() || self.price < 0 || self.max_per_order == 0 {
            return Err(format!(
                "product {} needs a variant, a price ≥ 0 and max_per_order ≥ 1",
                self.id
            ));
        }
        Ok(())
    }

    /// Its name, its variants' ids and labels, and their translations, each
    /// checked as shoppers read them; a refusal names the field, never the text.
    fn check_text(&self) -> Result<(), String> {
        let field = |field: String| {
            let product = &self.id;
            move |e| format!("product {product}: {field} {e}")
        };
        label(&self.name).map_err(field("name".into()))?;
        for (lang, name) in &self.names {
            label(name).map_err(field(format!("names.{lang}")))?;
        }
        for (i, variant) in self.variants.iter().enumerate() {
            label(&variant.id).map_err(field(format!("variants[{i}].id")))?;
            label(&variant.label).map_err(field(format!("variants[{i}].label")))?;
            for (lang, text) in &variant.labels {
                label(text).map_err(field(format!("variants[{i}].labels.{lang}")))?;
            }
        }
        Ok(())
    }
}

/// A shipping option in the show file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingEntry {
    /// Option id.
    pub id: String,
    /// Carrier and service.
    pub name: String,
    /// Fewest days to delivery.
    pub days_min: u32,
    /// Most days to delivery.
    pub days_max: u32,
    /// Price in minor units.
    pub price: i64,
    /// Free when the goods cost at least this much (minor units).
    #[serde(default)]
    pub free_over: Option<i64>,
}

/// A flash deal as the timeline defines it, placed at an absolute stream time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealSpec {
    /// Unique within the show: the product and the stream time it starts.
    pub id: String,
    /// Product on deal.
    pub product_id: ProductId,
    /// Deal price per unit, minor units.
    pub price: i64,
    /// Stream time it starts.
    pub start_ms: u64,
    /// Stream time it ends (exclusive).
    pub end_ms: u64,
    /// Units at the deal price.
    pub quantity: u32,
    /// Units per shopper at the deal price.
    pub per_buyer: u32,
}

/// Something the host does at a time into the loop.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Cue {
    /// Milliseconds into the loop.
    pub at_ms: u64,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
}

/// A timeline action.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// Show a product's tag at (x, y).
    Pin {
        /// Product.
        product: ProductId,
        /// Normalized horizontal position.
        x: f32,
        /// Normalized vertical position.
        y: f32,
    },
    /// Remove a product's tag.
    Unpin {
        /// Product.
        product: ProductId,
    },
    /// Start a flash deal on a product.
    Deal {
        /// Product.
        product: ProductId,
        /// Deal price per unit, minor units.
        price: i64,
        /// How long it lasts.
        duration_ms: u64,
        /// Units at the deal price.
        quantity: u32,
        /// Units per shopper at the deal price.
        per_buyer: u32,
    },
}

impl Action {
    fn product(&self) -> &ProductId {
        match self {
            Action::Pin { product, .. }
            | Action::Unpin { product }
            | Action::Deal { product, .. } => product,
        }
    }
}

impl Cue {
    /// The deal this cue starts when it happens at stream time `at`.
    pub fn deal(&self, at: u64) -> Option<DealSpec> {
        match &self.action {
            Action::Deal {
                product,
                price,
                duration_ms,
                quantity,
                per_buyer,
            } => Some(DealSpec {
                id: format!("{product}@{at}"),
                product_id: product.clone(),
                price: *price,
                start_ms: at,
                end_ms: at + duration_ms,
                quantity: *quantity,
                per_buyer: *per_buyer,
            }),
            _ => None,
        }
    }
}

/// What the timeline shows at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// Tags up now.
    pub pins: Vec<Pin>,
    /// Products featured so far, in the order first featured.
    pub featured: Vec<ProductId>,
    /// Tags up before the first change of `log`.
    pub base: Vec<Pin>,
    /// The tags' changes of the last [`TAG_LOG_MS`], oldest first, for viewers behind live.
    pub log: Vec<TagChange>,
}

impl Scene {
    /// Applies one cue that happens at programme time `at` (Unix ms); returns
    /// the tag change it made, if any.
    pub fn apply(&mut self, cue: &Cue, at: i64) -> Option<TagChange> {
        let change = Scene::change(cue, at)?;
        self.record(&change);
        Some(change)
    }

    /// The tag change a cue at programme time `at` makes, if any.
    pub fn change(cue: &Cue, at: i64) -> Option<TagChange> {
        Some(match &cue.action {
            Action::Pin { product, x, y } => TagChange {
                at,
                product_id: product.clone(),
                pin: Some(Pin {
                    product_id: product.clone(),
                    x: *x,
                    y: *y,
                    at,
                }),
            },
            Action::Unpin { product } => TagChange {
                at,
                product_id: product.clone(),
                pin: None,
            },
            Action::Deal { .. } => return None,
        })
    }

    /// Records a tag change: the tags up, the products featured and the log.
    pub fn record(&mut self, change: &TagChange) {
        if change.pin.is_some() && !self.featured.contains(&change.product_id) {
            self.featured.push(change.product_id.clone());
        }
        change.apply(&mut self.pins);
        self.log.push(change.clone());
        forget_before(&mut self.base, &mut self.log, change.at - TAG_LOG_MS);
    }
}

/// The brand of a show file that names none.
fn default_brand() -> String {
    "demo".into()
}

impl ShowFile {
    /// Reads and checks a show file.
    pub fn load(path: &Path) -> Result<ShowFile, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Show(format!("cannot read {}: {e}", path.display())))?;
        ShowFile::parse(&text).map_err(|e| AppError::Show(format!("{}: {e}", path.display())))
    }

    /// A show file's text, checked; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<ShowFile, String> {
        let show: ShowFile = toml::from_str(text).map_err(|e| e.to_string())?;
        show.checked()
    }

    /// A show in JSON (the API's form of a show file: the same fields), checked.
    pub fn from_json(json: serde_json::Value) -> Result<ShowFile, String> {
        let show: ShowFile = serde_json::from_value(json).map_err(|e| e.to_string())?;
        show.checked()
    }

    /// The show in the order the server keeps, if it is valid.
    fn checked(mut self) -> Result<ShowFile, String> {
        let show = &mut self;
        show.timeline.sort_by_key(|cue| cue.at_ms);
        // The protocol promises both lists cheapest first.
        show.gifting.gifts.sort_by_key(|gift| gift.coins);
        show.gifting.packs.sort_by_key(|pack| pack.coins);
        // In the form browsers send, so each request's `Origin` is compared as it comes.
        show.allowed_origins = show
            .allowed_origins
            .iter()
            .map(|origin| crate::origins::parse(origin))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("allowed_origins: {e}"))?;
        show.validate()?;
        Ok(self)
    }

    /// When the show is scheduled to begin (unix ms), if it is.
    pub fn starts_at_ms(&self) -> Option<i64> {
        self.starts_at.as_ref().and_then(|at| unix_ms(at).ok())
    }

    fn validate(&self) -> Result<(), String> {
        self.validate_video()?;
        self.after.check()?;
        self.validate_captions()?;
        if let Some(at) = &self.starts_at {
            unix_ms(at).map_err(|e| format!("starts_at: {e}"))?;
        }
        if !crate::text::is_slug(&self.id) {
            return Err(format!(
                "show id {:?}: use 1 to 64 lowercase letters, digits and dashes",
                self.id
            ));
        }
        if !crate::text::is_slug(&self.brand) {
            return Err(format!(
                "brand {:?}: use 1 to 64 lowercase letters, digits and dashes",
                self.brand
            ));
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "currency {:?} is not an ISO 4217 code",
                self.currency
            ));
        }
        if self.loop_ms == 0 {
            return Err("loop_ms must be positive".into());
        }
        let mut ids = HashSet::new();
        for product in &self.products {
            if !ids.insert(&product.id) {
                return Err(format!("product {} appears twice", product.id));
            }
            product.check()?;
        }
        for cue in &self.timeline {
            if !ids.contains(cue.action.product()) {
                return Err(format!(
                    "cue at {} ms names unknown product {}",
                    cue.at_ms,
                    cue.action.product()
                ));
            }
            if cue.at_ms >= self.loop_ms {
                return Err(format!("cue at {} ms is beyond loop_ms", cue.at_ms));
            }
            match cue.action {
                Action::Pin { x, y, .. }
                    if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) =>
                {
                    return Err(format!("cue at {} ms pins outside 0..=1", cue.at_ms));
                }
                Action::Deal {
                    price,
                    duration_ms,
                    quantity,
                    per_buyer,
                    ..
                } if price < 0
                    || duration_ms == 0
                    || duration_ms >= self.loop_ms
                    || quantity == 0
                    || per_buyer == 0 =>
                {
                    return Err(format!(
                        "deal at {} ms needs a price ≥ 0, 0 < duration_ms < loop_ms, quantity and per_buyer ≥ 1",
                        cue.at_ms
                    ));
                }
                _ => {}
            }
        }
        if self.shipping.is_empty() {
            return Err("at least one shipping option is needed".into());
        }
        if self
            .shipping
            .iter()
            .any(|s| s.price < 0 || s.days_min > s.days_max)
        {
            return Err("shipping prices must be ≥ 0 and days_min ≤ days_max".into());
        }
        self.gifting.validate()?;
        self.community.validate(&self.gifting)
    }

    fn validate_captions(&self) -> Result<(), String> {
        if self.captions.is_empty() {
            return Ok(());
        }
        if self.video.is_some() || self.playback().hls {
            return Err(
                "captions are for a video file: an HLS stream carries its own subtitles".into(),
            );
        }
        if self.captions.len() > MAX_CAPTION_TRACKS {
            return Err(format!("at most {MAX_CAPTION_TRACKS} caption tracks"));
        }
        for track in &self.captions {
            let language = track.language.len();
            if track.url.is_empty() || track.url.len() > 2048 {
                return Err("a caption track's url must be 1 to 2048 bytes".into());
            }
            if !(2..=35).contains(&language) || track.label.is_empty() || track.label.len() > 60 {
                return Err(format!(
                    "caption track {:?}: language must be a 2 to 35 byte tag and label 1 to 60 bytes",
                    track.url
                ));
            }
        }
        Ok(())
    }

    fn validate_video(&self) -> Result<(), String> {
        match (&self.stream_url, &self.video) {
            (Some(_), Some(_)) => Err("a show has stream_url or [video], not both".into()),
            (None, None) => Err("a show needs stream_url or a [video] table".into()),
            (Some(url), None) if url.is_empty() => Err("stream_url is empty".into()),
            (Some(_), None) => Ok(()),
            (None, Some(video)) => match (video.source, &video.hls_url) {
                (VideoSource::Ingest, Some(_)) => {
                    Err("[video] hls_url is for source = \"external\"".into())
                }
                (VideoSource::Ingest, None) => Ok(()),
                (VideoSource::External, None) => {
                    Err("[video] source = \"external\" needs hls_url".into())
                }
                (VideoSource::External, Some(_)) if video.rendition_360p => Err(
                    "[video] rendition_360p is for source = \"ingest\": an external stream is packaged elsewhere".into(),
                ),
                (VideoSource::External, Some(url)) => {
                    let https = url.starts_with("https://") || url.starts_with("http://");
                    if https && url.split('?').next().is_some_and(|path| path.ends_with(".m3u8")) {
                        Ok(())
                    } else {
                        Err(format!("[video] hls_url {url:?} is not an http(s) address of an .m3u8 playlist"))
                    }
                }
            },
        }
    }

    /// `Some(rendition_360p)` when the server packages the host's RTMP.
    pub fn ingest(&self) -> Option<bool> {
        self.video
            .as_ref()
            .filter(|video| video.source == VideoSource::Ingest)
            .map(|video| video.rendition_360p)
    }

    /// Whether an ingested show's live playlists are low-latency HLS.
    pub fn low_latency(&self) -> bool {
        self.video.as_ref().is_none_or(|video| video.low_latency)
    }

    /// What the viewer should play: the server's HLS for an ingested show, the
    /// external playlist, or the file.
    pub fn playback(&self) -> Playback {
        match (&self.video, &self.stream_url) {
            (Some(video), _) if video.source == VideoSource::Ingest => Playback {
                url: format!("/hls/{}/master.m3u8", self.id),
                hls: true,
            },
            (Some(video), _) => Playback {
                url: video.hls_url.clone().unwrap_or_default(),
                hls: true,
            },
            (None, url) => {
                let url = url.clone().unwrap_or_default();
                Playback {
                    hls: url.split('?').next().is_some_and(|p| p.ends_with(".m3u8")),
                    url,
                }
            }
        }
    }

    /// A gift of the show.
    pub fn gift(&self, id: &str) -> Option<&Gift> {
        self.gifting.gifts.iter().find(|g| g.id == id)
    }

    /// A coin pack of the show.
    pub fn pack(&self, id: &str) -> Option<&PackEntry> {
        self.gifting.packs.iter().find(|p| p.id == id)
    }

    /// The coin packs as the protocol carries them.
    pub fn coin_packs(&self) -> Vec<CoinPack> {
        self.gifting
            .packs
            .iter()
            .map(|p| CoinPack {
                id: p.id.clone(),
                coins: p.coins,
                price: self.money(p.price),
            })
            .collect()
    }

    /// A catalogue product with the given stock per variant.
    pub fn product(&self, id: &str) -> Option<&ProductEntry> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The deals running at stream time `now_ms`, oldest first. A deal lasts
    /// less than a loop, so only this loop's and the previous loop's cues can be running.
    pub fn deals_at(&self, now_ms: u64) -> Vec<DealSpec> {
        let round_start = now_ms / self.loop_ms * self.loop_ms;
        let previous = round_start.checked_sub(self.loop_ms);
        previous
            .into_iter()
            .chain([round_start])
            .flat_map(|start| {
                self.timeline
                    .iter()
                    .filter_map(move |c| c.deal(start + c.at_ms))
            })
            .filter(|d| (d.start_ms..d.end_ms).contains(&now_ms))
            .collect()
    }

    /// Shipping options with their prices for goods costing `goods_minor`.
    pub fn shipping_for(&self, goods_minor: i64) -> Vec<ShippingOption> {
        self.shipping
            .iter()
            .map(|s| ShippingOption {
                id: s.id.clone(),
                name: s.name.clone(),
                days_min: s.days_min,
                days_max: s.days_max,
                price: self.money(match s.free_over {
                    Some(threshold) if goods_minor >= threshold => 0,
                    _ => s.price,
                }),
            })
            .collect()
    }

    /// An amount in the show's currency.
    pub fn money(&self, minor: i64) -> Money {
        Money {
            minor,
            currency: self.currency.clone(),
        }
    }

    /// The price of one unit of a product.
    pub fn price(&self, product: &ProductEntry) -> Money {
        self.money(product.price)
    }

    /// The catalogue as the protocol carries it; `stock` gives each variant's units.
    pub fn catalogue(&self, stock: impl Fn(&str, &str) -> u32) -> Vec<Product> {
        self.products
            .iter()
            .map(|p| Product {
                id: p.id.clone(),
                name: p.name.clone(),
                names: p.names.clone(),
                image_url: p.image_url.clone(),
                price: self.price(p),
                max_per_order: p.max_per_order,
                variants: p
                    .variants
                    .iter()
                    .map(|v| Variant {
                        id: v.id.clone(),
                        label: v.label.clone(),
                        labels: v.labels.clone(),
                        stock: stock(&p.id, &v.id),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every cue with absolute stream time in `(from_ms, to_ms]`, in order.
    pub fn cues_between(&self, from_ms: u64, to_ms: u64) -> Vec<(u64, &Cue)> {
        let mut due = Vec::new();
        if to_ms <= from_ms {
            return due;
        }
        for round in from_ms / self.loop_ms..=to_ms / self.loop_ms {
            let start = round * self.loop_ms;
            for cue in &self.timeline {
                let at = start + cue.at_ms;
                if at > from_ms && at <= to_ms {
                    due.push((at, cue));
                }
            }
        }
        due
    }

    /// The scene at stream time `elapsed_ms`, with each cue at the programme time
    /// `programme` gives its stream time. Two loops before this one are replayed
    /// in full: the first sets what is up when the second starts, so the tag log
    /// is right from the previous loop's start on (and every pinned product is featured).
    pub fn scene_at(&self, elapsed_ms: u64, programme: impl Fn(u64) -> i64) -> Scene {
        let round_start = elapsed_ms / self.loop_ms * self.loop_ms;
        let mut scene = Scene::default();
        let mut start = round_start.saturating_sub(2 * self.loop_ms);
        while start < round_start {
            for cue in &self.timeline {
                scene.apply(cue, programme(start + cue.at_ms));
            }
            start += self.loop_ms;
        }
        for cue in self
            .timeline
            .iter()
            .take_while(|c| round_start + c.at_ms <= elapsed_ms)
        {
            scene.apply(cue, programme(round_start + cue.at_ms));
        }
        scene
    }
}

impl Gifting {
    fn validate(&self) -> Result<(), String> {
        if self.host_credit_per_coin < 0 {
            return Err("gifting.host_credit_per_coin must be ≥ 0".into());
        }
        let mut ids = HashSet::new();
        for pack in &self.packs {
            if !ids.insert(&pack.id) {
                return Err(format!("coin pack {} appears twice", pack.id));
            }
            if pack.coins == 0 || pack.price < 0 {
                return Err(format!(
                    "coin pack {} needs coins ≥ 1 and a price ≥ 0",
                    pack.id
                ));
            }
        }
        let mut ids = HashSet::new();
        for gift in &self.gifts {
            if !ids.insert(&gift.id) {
                return Err(format!("gift {} appears twice", gift.id));
            }
            if gift.coins == 0 {
                return Err(format!("gift {} needs coins ≥ 1", gift.id));
            }
            check_translations(&gift.names).map_err(|e| format!("gift {}: {e}", gift.id))?;
            // Viewers read unknown tiers leniently; a show file must name a real one.
            if gift.tier == GiftTier::Unknown {
                return Err(format!(
                    "gift {} needs tier small, medium or large",
                    gift.id
                ));
            }
        }
        Ok(())
    }
}

/// `starts_at`: a TOML date-time, or its text (`"2026-12-24T19:00:00+07:00"`).
fn start_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<toml::value::Datetime>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Toml(toml::value::Datetime),
        Text(String),
    }
    match Option::<Either>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Either::Toml(at)) => Ok(Some(at)),
        Some(Either::Text(text)) => text.parse().map(Some).map_err(|e| {
            serde::de::Error::custom(format!("starts_at {text:?} is not a date-time: {e}"))
        }),
    }
}

/// `starts_at` as text, so that JSON holds a string.
fn start_time_text<S: serde::Serializer>(
    at: &Option<toml::value::Datetime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    at.as_ref().map(ToString::to_string).serialize(serializer)
}

/// A TOML date-time as unix ms; it needs a date, a time and an offset, so
/// that every server reads the same moment.
fn unix_ms(at: &toml::value::Datetime) -> Result<i64, String> {
    if at.date.is_none() || at.time.is_none() || at.offset.is_none() {
        return Err(format!(
            "{at} needs a date, a time and an offset, e.g. 2026-12-24T19:00:00+07:00"
        ));
    }
    let parsed = time::OffsetDateTime::parse(
        &at.to_string(),
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|e| format!("{at}: {e}"))?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).map_err(|e| e.to_string())
}

/// The show files a server runs, in order (the first is the default show);
/// two shows may not share an id.
pub fn load_all(paths: &[std::path::PathBuf]) -> Result<Vec<ShowFile>, AppError> {
    if paths.is_empty() {
        return Err(AppError::Show("no show file given (--show)".into()));
    }
    let mut shows: Vec<ShowFile> = Vec::with_capacity(paths.len());
    for path in paths {
        let show = ShowFile::load(path)?;
        if shows.iter().any(|s| s.id == show.id) {
            let message = format!(
                "{}: show id {} is taken by another show file",
                path.display(),
                show.id
            );
            return Err(AppError::Show(message));
        }
        shows.push(show);
    }
    Ok(shows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test show with its `stream_url` line replaced by `video`.
    fn with_video(video: &str) -> Result<(), String> {
        let text = include_str!("../../tests/fixtures/test-show.toml")
            .replace("stream_url = \"/media/stream.mp4\"\n", "");
        let text = format!("{video}\n{text}");
        let text = if video.starts_with('[') {
            // A table must come after the top-level keys: move it to the end.
            let text = text.replacen(video, "", 1);
            format!("{text}\n{video}\n")
        } else {
            text
        };
        let show: ShowFile = toml::from_str(&text).map_err(|e| e.to_string())?;
        show.validate()
    }

    #[test]
    fn after_the_show_is_the_replay_a_shop_link_or_nothing_and_never_a_script() {
        use lapak_protocol::AfterShow;
        let text = include_str!("../../tests/fixtures/test-show.toml");
        let with = |after: &str| ShowFile::parse(&format!("{text}\n[after]\n{after}\n"));
        assert_eq!(ShowFile::parse(text).unwrap().after, AfterShow::Replay);
        assert_eq!(
            with("offer = \"shop\"\nurl = \"https://batik.example/shop\"")
                .unwrap()
                .after,
            AfterShow::Shop {
                url: "https://batik.example/shop".into()
            }
        );
        assert_eq!(
            with("offer = \"nothing\"").unwrap().after,
            AfterShow::Nothing
        );
        let refused = with("offer = \"shop\"\nurl = \"javascript:alert(1)\"").unwrap_err();
        assert!(refused.contains("after.url"), "{refused}");
    }

    /// The test show with `line` added at the top.
    fn with_line(line: &str) -> Result<ShowFile, String> {
        let text = include_str!("../../tests/fixtures/test-show.toml");
        ShowFile::parse(&format!("{line}\n{text}"))
    }

    #[test]
    fn caption_tracks_are_for_video_files_and_bounded() {
        let track = |url: &str, language: &str| {
            format!("captions = [{{ url = \"{url}\", language = \"{language}\", label = \"Bahasa Indonesia\" }}]")
        };
        let show = with_line(&track("/media/demo.id.vtt", "id")).unwrap();
        assert_eq!(show.captions[0].language, "id");
        for (line, why) in [
            (track("", "id"), "url must be 1 to 2048 bytes"),
            (track("/a.vtt", "x"), "language must be a 2 to 35 byte tag"),
            (track("/a.vtt", &"x".repeat(36)), "language must be"),
            (
                format!(
                    "captions = [{}]",
                    ["{ url = \"/a.vtt\", language = \"en\", label = \"E\" }"; 9].join(",")
                ),
                "at most 8 caption tracks",
            ),
        ] {
            let err = with_line(&line).unwrap_err();
            assert!(err.contains(why), "{line}: {err}");
        }
        let hls = with_line(&track("/a.vtt", "en"))
            .map(|mut show| {
                show.stream_url = None;
                show.video = Some(Video {
                    source: VideoSource::Ingest,
                    hls_url: None,
                    rendition_360p: false,
                    low_latency: true,
                });
                show.validate()
            })
            .unwrap();
        assert!(hls
            .unwrap_err()
            .contains("an HLS stream carries its own subtitles"));
    }

    #[test]
    fn a_start_time_needs_a_date_a_time_and_an_offset() {
        let show = with_line("starts_at = 2026-12-24T19:00:00+07:00").unwrap();
        // 12:00 UTC on 24 December 2026.
        assert_eq!(show.starts_at_ms(), Some(1_798_113_600_000));
        assert_eq!(with_line("").unwrap().starts_at_ms(), None);
        for vague in ["2026-12-24T19:00:00", "2026-12-24", "19:00:00"] {
            let error = with_line(&format!("starts_at = {vague}")).unwrap_err();
            assert!(
                error.contains("needs a date, a time and an offset"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_show_in_json_is_read_like_its_file() {
        let file = with_line("starts_at = 2026-12-24T19:00:00+07:00").unwrap();
        let mut json = serde_json::json!({
            "id": "json", "title": "From JSON", "currency": "IDR", "starts_at": "2026-12-24T19:00:00+07:00",
            "stream_url": "/media/stream.mp4", "poster_url": "/media/poster.jpg", "loop_ms": 60000,
            "host": { "name": "Tester", "avatar_url": "/media/host.svg" },
            "shipping": [{ "id": "std", "name": "Standard", "days_min": 1, "days_max": 2, "price": 100 }],
            "products": [{ "id": "kopi", "name": "Kopi", "image_url": "/k.svg", "price": 8900000,
                           "max_per_order": 5, "variants": [{ "id": "default", "label": "", "stock": 3 }] }],
        });
        let show = ShowFile::from_json(json.clone()).unwrap();
        assert_eq!(show.starts_at_ms(), file.starts_at_ms());
        assert_eq!(show.products[0].variants[0].stock, 3);
        json["starts_at"] = "24 December".into();
        assert!(ShowFile::from_json(json.clone())
            .unwrap_err()
            .contains("starts_at"));
        json["starts_at"] = "2026-12-24T19:00:00".into();
        let error = ShowFile::from_json(json.clone()).unwrap_err();
        assert!(
            error.contains("needs a date, a time and an offset"),
            "{error}"
        );
        json["starts_at"] = serde_json::Value::Null;
        json["surprise"] = 1.into();
        assert!(ShowFile::from_json(json)
            .unwrap_err()
            .contains("unknown field"));
    }

    #[test]
    fn a_show_file_reads_back_the_same_from_its_json() {
        let demo = ShowFile::load(Path::new("shows/demo.toml")).unwrap();
        let json = serde_json::to_value(&demo).unwrap();
        let again = ShowFile::from_json(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), json);
        let kopi = ShowFile::load(Path::new("shows/kopi-pagi.toml")).unwrap();
        let json = serde_json::to_value(&kopi).unwrap();
        assert_eq!(json["starts_at"], "2027-03-07T09:00:00+07:00");
        assert_eq!(
            ShowFile::from_json(json).unwrap().starts_at_ms(),
            kopi.starts_at_ms()
        );
    }

    #[test]
    fn a_server_runs_each_show_id_once() {
        let test = std::path::PathBuf::from("tests/fixtures/test-show.toml");
        let rival = std::path::PathBuf::from("tests/fixtures/rival-show.toml");
        let ids: Vec<String> = load_all(&[test.clone(), rival])
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["test", "rival"]);
        let error = load_all(&[test.clone(), test]).unwrap_err().to_string();
        assert!(error.contains("show id test is taken"), "{error}");
        assert!(load_all(&[]).is_err());
    }

    #[test]
    fn a_show_id_is_a_slug() {
        let text = include_str!("../../tests/fixtures/test-show.toml");
        for bad in ["", "Big Show", "../etc", "show/1"] {
            let text = text.replacen("id = \"test\"", &format!("id = {bad:?}"), 1);
            let error = ShowFile::parse(&text).unwrap_err();
            assert!(error.contains("show id"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_show_plays_a_file_or_a_video_source_but_not_both() {
        assert!(with_video("stream_url = \"/media/stream.mp4\"").is_ok());
        assert!(with_video("[video]\nsource = \"ingest\"").is_ok());
        assert!(with_video("[video]\nsource = \"ingest\"\nrendition_360p = true").is_ok());
        assert!(with_video(
            "[video]\nsource = \"external\"\nhls_url = \"https://cdn.example/live/a.m3u8\""
        )
        .is_ok());
        assert!(with_video("").is_err(), "neither");
        assert!(with_video("stream_url = \"/a.mp4\"\n[video]\nsource = \"ingest\"").is_err());
        assert!(with_video("[video]\nsource = \"external\"").is_err());
        assert!(with_video(
            "[video]\nsource = \"external\"\nhls_url = \"javascript:alert(1)//.m3u8\""
        )
        .is_err());
        assert!(with_video(
            "[video]\nsource = \"ingest\"\nhls_url = \"https://cdn.example/a.m3u8\""
        )
        .is_err());
        assert!(with_video("[video]\nsource = \"ingest\"\nbitrate = 5").is_err());
        assert!(with_video("[video]\nsource = \"webrtc\"").is_err());
    }

    #[test]
    fn the_viewer_plays_the_server_playlist_the_external_one_or_the_file() {
        let mut show = show();
        assert_eq!(
            show.playback(),
            Playback {
                url: "/s.mp4".into(),
                hls: false
            }
        );
        show.stream_url = None;
        show.video = Some(Video {
            source: VideoSource::Ingest,
            hls_url: None,
            rendition_360p: false,
            low_latency: true,
        });
        assert_eq!(
            show.playback(),
            Playback {
                url: "/hls/t/master.m3u8".into(),
                hls: true
            }
        );
        assert_eq!(show.ingest(), Some(false));
        show.video = Some(Video {
            source: VideoSource::External,
            hls_url: Some("https://cdn.example/a.m3u8".into()),
            rendition_360p: false,
            low_latency: true,
        });
        assert_eq!(show.playback().url, "https://cdn.example/a.m3u8");
        assert!(show.playback().hls);
        assert_eq!(show.ingest(), None);
    }

    fn show() -> ShowFile {
        toml::from_str(
            r#"
            id = "t"
            title = "T"
            currency = "IDR"
            stream_url = "/s.mp4"
            poster_url = "/p.jpg"
            loop_ms = 1000
            host = { name = "H", avatar_url = "/h.svg" }
            [[products]]
            id = "a"
            name = "A"
            image_url = "/a.svg"
            price = 100
            max_per_order = 2
            variants = [{ id = "default", label = "", stock = 3 }]
            [[products]]
            id = "b"
            name = "B"
            image_url = "/b.svg"
            price = 200
            max_per_order = 2
            variants = [{ id = "default", label = "", stock = 3 }]
            [[shipping]]
            id = "std"
            name = "Standard"
            days_min = 2
            days_max = 4
            price = 10
            free_over = 300
            [[timeline]]
            at_ms = 0
            do = "pin"
            product = "a"
            x = 0.5
            y = 0.5
            [[timeline]]
            at_ms = 400
            do = "pin"
            product = "b"
            x = 0.2
            y = 0.8
            [[timeline]]
            at_ms = 600
            do = "unpin"
            product = "a"
            [[timeline]]
            at_ms = 900
            do = "deal"
            product = "b"
            price = 150
            duration_ms = 300
            quantity = 2
            per_buyer = 1
            "#,
        )
        .unwrap()
    }

    fn pinned(scene: &Scene) -> Vec<(&str, i64)> {
        scene
            .pins
            .iter()
            .map(|p| (p.product_id.as_str(), p.at))
            .collect()
    }

    /// Programme time = stream time, for these tests.
    fn at(stream_ms: u64) -> i64 {
        stream_ms as i64
    }

    #[test]
    fn the_scene_keeps_the_tag_changes_a_viewer_behind_live_needs() {
        let show = show();
        // Rebuilt at a start from the previous loop on (loops of 1 s here).
        let scene = show.scene_at(90_500, at);
        let oldest = scene.log.first().unwrap().at;
        assert!(
            oldest <= 89_000,
            "reaches the previous loop's start: {oldest}"
        );
        for t in [89_000, 89_500, 89_999, 90_450] {
            let mut replayed = show.scene_at(t as u64, at).pins;
            replayed.sort_by(|a, b| a.product_id.cmp(&b.product_id));
            let mut from_log = lapak_protocol::tags_at(&scene.base, &scene.log, t);
            from_log.sort_by(|a, b| a.product_id.cmp(&b.product_id));
            assert_eq!(from_log, replayed, "tags at {t}");
        }
    }

    #[test]
    fn a_running_scene_forgets_tag_changes_older_than_the_log_reaches() {
        let show = show();
        let mut scene = Scene::default();
        for round in 0..200u64 {
            for cue in &show.timeline {
                scene.apply(cue, at(round * show.loop_ms + cue.at_ms));
            }
        }
        let newest = scene.log.last().unwrap().at;
        assert!(scene.log.first().unwrap().at >= newest - TAG_LOG_MS);
        assert!(scene.log.len() <= 3 * 91, "{}", scene.log.len());
        assert_eq!(
            lapak_protocol::tags_at(&scene.base, &scene.log, i64::MAX),
            scene.pins
        );
    }

    #[test]
    fn scene_follows_the_cues_within_the_first_loop() {
        let show = show();
        assert_eq!(pinned(&show.scene_at(0, at)), [("a", 0)]);
        assert_eq!(show.scene_at(0, at).featured, ["a"]);
        assert_eq!(pinned(&show.scene_at(450, at)), [("a", 0), ("b", 400)]);
        assert_eq!(pinned(&show.scene_at(700, at)), [("b", 400)]);
        assert_eq!(show.scene_at(700, at).featured, ["a", "b"]);
    }

    #[test]
    fn scene_carries_pins_across_the_loop_wrap() {
        let show = show();
        // In the second loop, b (pinned at 400 and never unpinned) is still up and a is pinned again.
        assert_eq!(
            pinned(&show.scene_at(1_100, at)),
            [("b", 400), ("a", 1_000)]
        );
        assert_eq!(
            pinned(&show.scene_at(5_450, at)),
            [("b", 5_400), ("a", 5_000)]
        );
        assert_eq!(
            show.scene_at(5_000, at).featured,
            ["a", "b"],
            "everything once a loop has run"
        );
    }

    #[test]
    fn cues_between_spans_the_wrap_and_excludes_the_start() {
        let show = show();
        let due: Vec<u64> = show
            .cues_between(600, 1_400)
            .iter()
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(due, [900, 1_000, 1_400]);
        assert!(show.cues_between(500, 500).is_empty());
        assert_eq!(
            show.cues_between(0, 400).len(),
            1,
            "the cue at the start time itself is past"
        );
    }

    #[test]
    fn deals_run_from_their_cue_for_their_duration_across_the_wrap() {
        let show = show();
        let ids = |t| {
            show.deals_at(t)
                .into_iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
        };
        assert!(ids(899).is_empty());
        assert_eq!(ids(900), ["b@900"]);
        assert_eq!(ids(1_100), ["b@900"], "a deal outlives the loop wrap");
        assert!(ids(1_200).is_empty(), "the end is exclusive");
        assert_eq!(ids(1_950), ["b@1900"], "each loop runs a new deal");
    }

    #[test]
    fn shipping_is_free_over_the_threshold() {
        let show = show();
        assert_eq!(show.shipping_for(299)[0].price.minor, 10);
        assert_eq!(show.shipping_for(300)[0].price.minor, 0);
    }

    #[test]
    fn invalid_show_files_are_refused_with_the_reason() {
        let mut bad = show();
        bad.timeline[0].action = Action::Pin {
            product: "nope".into(),
            x: 0.5,
            y: 0.5,
        };
        assert!(bad.validate().unwrap_err().contains("unknown product nope"));
        let mut bad = show();
        bad.timeline[1].action = Action::Pin {
            product: "b".into(),
            x: 1.5,
            y: 0.5,
        };
        assert!(bad.validate().unwrap_err().contains("outside"));
        let mut bad = show();
        bad.currency = "rupiah".into();
        assert!(bad.validate().is_err());
        let mut bad = show();
        bad.timeline[3].action = Action::Deal {
            product: "b".into(),
            price: 1,
            duration_ms: 1_000,
            quantity: 1,
            per_buyer: 1,
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .contains("duration_ms < loop_ms"));
        let mut bad = show();
        bad.products[0].names.insert("fr".into(), "Sac".into());
        assert!(bad
            .validate()
            .unwrap_err()
            .contains("product a: translation"));
    }

    #[test]
    fn the_demo_show_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("shows/demo.toml");
        let demo = ShowFile::load(&path).unwrap();
        assert_eq!(demo.products.len(), 6);
        assert!(
            demo.products.iter().all(|p| p.names.contains_key("id")),
            "every demo product has an Indonesian name"
        );
        assert!(
            !demo.scene_at(1_000, at).pins.is_empty(),
            "a tag is up within the first second"
        );
        let gifts: Vec<(&str, u32)> = demo
            .gifting
            .gifts
            .iter()
            .map(|g| (g.id.as_str(), g.coins))
            .collect();
        assert_eq!(
            gifts,
            [
                ("rose", 1),
                ("coffee", 10),
                ("fan", 50),
                ("balloon", 99),
                ("crown", 299),
                ("rocket", 999)
            ]
        );
        let packs: Vec<(u32, i64)> = demo
            .coin_packs()
            .iter()
            .map(|p| (p.coins, p.price.minor))
            .collect();
        assert_eq!(
            packs,
            [
                (100, 1_600_000),
                (500, 7_900_000),
                (1_200, 17_900_000),
                (6_000, 87_900_000)
            ]
        );
        assert_eq!(demo.gifting.host_credit_per_coin, 8_000);
        let community = &demo.community;
        assert_eq!(community.club().unwrap().join_gift, None, "free to join");
        let missions: Vec<String> = community.missions().into_iter().map(|m| m.id).collect();
        assert_eq!(
            missions,
            [
                "watch-5-min",
                "like-30",
                "comment-3",
                "add-to-cart",
                "send-gift",
                "share",
                "first-buy",
                "daily-like-100"
            ]
        );
        let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        for badge in &community.badges {
            let file = media.join(badge.image_url.trim_start_matches('/'));
            assert!(file.is_file(), "{} has no image", badge.id);
        }
    }

    fn with_gifting(table: &str) -> Result<ShowFile, String> {
        let mut show = show();
        show.gifting = toml::from_str(table).map_err(|e| e.to_string())?;
        show.validate().map(|()| show)
    }

    #[test]
    fn gifting_is_optional_and_checked_when_present() {
        let plain = show();
        assert!(plain.gifting.gifts.is_empty() && plain.gifting.packs.is_empty());
        assert!(plain.gift("rose").is_none() && plain.pack("coins-100").is_none());

        let good = with_gifting(
            r#"
            host_credit_per_coin = 80
            packs = [{ id = "p", coins = 10, price = 0 }]
            gifts = [{ id = "rose", name = "Rose", image_url = "/r.svg", coins = 1, tier = "small" }]
            "#,
        )
        .unwrap();
        assert_eq!(
            good.gift("rose").unwrap().tier,
            lapak_protocol::GiftTier::Small
        );
        assert_eq!(good.coin_packs()[0].price, good.money(0));

        let rose =
            r#"{ id = "rose", name = "Rose", image_url = "/r.svg", coins = 1, tier = "small" }"#;
        for (table, reason) in [
            (format!("host_credit_per_coin = 1\ngifts = [{rose}, {rose}]"), "gift rose appears twice"),
            ("host_credit_per_coin = 1\ngifts = [{ id = \"g\", name = \"G\", image_url = \"/g.svg\", coins = 0, tier = \"large\" }]".into(), "coins ≥ 1"),
            ("host_credit_per_coin = 1\npacks = [{ id = \"p\", coins = 1, price = -1 }]".into(), "price ≥ 0"),
            ("host_credit_per_coin = 1\npacks = [{ id = \"p\", coins = 0, price = 1 }]".into(), "coins ≥ 1"),
            ("host_credit_per_coin = 1\npacks = [{ id = \"p\", coins = 1, price = 1 }, { id = \"p\", coins = 2, price = 2 }]".into(), "appears twice"),
            ("host_credit_per_coin = -1".into(), "host_credit_per_coin"),
            ("packs = []".into(), "host_credit_per_coin"),
            ("host_credit_per_coin = 1\ngifts = [{ id = \"g\", name = \"G\", image_url = \"/g.svg\", coins = 1, tier = \"huge\" }]".into(), "tier small, medium or large"),
        ] {
            let error = with_gifting(&table).unwrap_err();
            assert!(error.contains(reason), "{table}: {error}");
        }
    }
}
