//! The show file (host, catalogue, timeline) and the timeline's arithmetic:
//! which tags are up and which products have been featured at a stream time.

use std::collections::HashSet;
use std::path::Path;

use lapak_protocol::{Host, Money, Pin, Product, ProductId, Variant};
use serde::Deserialize;

use crate::error::AppError;

/// A show as its data file describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowFile {
    /// Show id.
    pub id: String,
    /// Title.
    pub title: String,
    /// ISO 4217 currency of every price.
    pub currency: String,
    /// Video URL.
    pub stream_url: String,
    /// Poster image URL.
    pub poster_url: String,
    /// Length of the timeline loop.
    pub loop_ms: u64,
    /// Who is on camera.
    pub host: Host,
    /// The catalogue; `stock` seeds the database on first start.
    pub products: Vec<ProductEntry>,
    /// Cues, at times into the loop.
    pub timeline: Vec<Cue>,
}

/// A product in the show file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    /// Product id.
    pub id: ProductId,
    /// Display name.
    pub name: String,
    /// Image URL.
    pub image_url: String,
    /// Unit price in minor units of the show currency.
    pub price: i64,
    /// Most units of one variant a cart may hold.
    pub max_per_order: u32,
    /// Variants with their initial stock.
    pub variants: Vec<Variant>,
}

/// Something the host does at a time into the loop.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Cue {
    /// Milliseconds into the loop.
    pub at_ms: u64,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
}

/// A timeline action.
#[derive(Clone, Debug, Deserialize, PartialEq)]
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
}

impl Action {
    fn product(&self) -> &ProductId {
        match self {
            Action::Pin { product, .. } | Action::Unpin { product } => product,
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
}

impl Scene {
    /// Applies one cue that happens at stream time `stream_ms`.
    pub fn apply(&mut self, cue: &Cue, stream_ms: u64) {
        match &cue.action {
            Action::Pin { product, x, y } => {
                let pin = Pin {
                    product_id: product.clone(),
                    x: *x,
                    y: *y,
                    stream_ms,
                };
                match self.pins.iter_mut().find(|p| &p.product_id == product) {
                    Some(existing) => *existing = pin,
                    None => self.pins.push(pin),
                }
                if !self.featured.contains(product) {
                    self.featured.push(product.clone());
                }
            }
            Action::Unpin { product } => self.pins.retain(|p| &p.product_id != product),
        }
    }
}

impl ShowFile {
    /// Reads and checks a show file.
    pub fn load(path: &Path) -> Result<ShowFile, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Show(format!("cannot read {}: {e}", path.display())))?;
        let mut show: ShowFile = toml::from_str(&text)
            .map_err(|e| AppError::Show(format!("{}: {e}", path.display())))?;
        show.timeline.sort_by_key(|cue| cue.at_ms);
        show.validate()
            .map_err(|e| AppError::Show(format!("{}: {e}", path.display())))?;
        Ok(show)
    }

    fn validate(&self) -> Result<(), String> {
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
            if product.variants.is_empty() || product.price < 0 || product.max_per_order == 0 {
                return Err(format!(
                    "product {} needs a variant, a price ≥ 0 and max_per_order ≥ 1",
                    product.id
                ));
            }
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
            if let Action::Pin { x, y, .. } = cue.action {
                if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
                    return Err(format!("cue at {} ms pins outside 0..=1", cue.at_ms));
                }
            }
        }
        Ok(())
    }

    /// A catalogue product with the given stock per variant.
    pub fn product(&self, id: &str) -> Option<&ProductEntry> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The price of one unit of a product.
    pub fn price(&self, product: &ProductEntry) -> Money {
        Money {
            minor: product.price,
            currency: self.currency.clone(),
        }
    }

    /// The catalogue as the protocol carries it; `stock` gives each variant's units.
    pub fn catalogue(&self, stock: impl Fn(&str, &str) -> u32) -> Vec<Product> {
        self.products
            .iter()
            .map(|p| Product {
                id: p.id.clone(),
                name: p.name.clone(),
                image_url: p.image_url.clone(),
                price: self.price(p),
                max_per_order: p.max_per_order,
                variants: p
                    .variants
                    .iter()
                    .map(|v| Variant {
                        id: v.id.clone(),
                        label: v.label.clone(),
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

    /// The scene at stream time `elapsed_ms`. Replaying the previous loop in
    /// full gives what is up at the wrap (and features every pinned product).
    pub fn scene_at(&self, elapsed_ms: u64) -> Scene {
        let round_start = elapsed_ms / self.loop_ms * self.loop_ms;
        let mut scene = Scene::default();
        if let Some(previous) = round_start.checked_sub(self.loop_ms) {
            for cue in &self.timeline {
                scene.apply(cue, previous + cue.at_ms);
            }
        }
        for cue in self
            .timeline
            .iter()
            .take_while(|c| round_start + c.at_ms <= elapsed_ms)
        {
            scene.apply(cue, round_start + cue.at_ms);
        }
        scene
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "#,
        )
        .unwrap()
    }

    fn pinned(scene: &Scene) -> Vec<(&str, u64)> {
        scene
            .pins
            .iter()
            .map(|p| (p.product_id.as_str(), p.stream_ms))
            .collect()
    }

    #[test]
    fn scene_follows_the_cues_within_the_first_loop() {
        let show = show();
        assert_eq!(pinned(&show.scene_at(0)), [("a", 0)]);
        assert_eq!(show.scene_at(0).featured, ["a"]);
        assert_eq!(pinned(&show.scene_at(450)), [("a", 0), ("b", 400)]);
        assert_eq!(pinned(&show.scene_at(700)), [("b", 400)]);
        assert_eq!(show.scene_at(700).featured, ["a", "b"]);
    }

    #[test]
    fn scene_carries_pins_across_the_loop_wrap() {
        let show = show();
        // In the second loop, b (pinned at 400 and never unpinned) is still up and a is pinned again.
        assert_eq!(pinned(&show.scene_at(1_100)), [("b", 400), ("a", 1_000)]);
        assert_eq!(pinned(&show.scene_at(5_450)), [("b", 5_400), ("a", 5_000)]);
        assert_eq!(
            show.scene_at(5_000).featured,
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
        assert_eq!(due, [1_000, 1_400]);
        assert!(show.cues_between(500, 500).is_empty());
        assert_eq!(
            show.cues_between(0, 400).len(),
            1,
            "the cue at the start time itself is past"
        );
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
    }

    #[test]
    fn the_demo_show_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("shows/demo.toml");
        let demo = ShowFile::load(&path).unwrap();
        assert_eq!(demo.products.len(), 6);
        assert!(
            !demo.scene_at(1_000).pins.is_empty(),
            "a tag is up within the first second"
        );
    }
}
