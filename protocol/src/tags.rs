//! Tags on the programme clock: a product's tag changes at the programme
//! date-time of the frame the host pinned, moved or unpinned it on. The server
//! keeps the changes of the last [`TAG_LOG_MS`] and the
//! viewer shows the tags of the frame on its screen, whatever its delay.

use serde::{Deserialize, Serialize};

use crate::wire::ProductId;

/// How far back `Welcome` carries the tags' changes: more than any viewer's
/// delay behind live and the live playlist's window, so a late joiner or a
/// seek back within the window shows the tags of its moment.
pub const TAG_LOG_MS: i64 = 90_000;

/// A product tag over the video.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    /// The pinned product.
    pub product_id: ProductId,
    /// Horizontal position of the tag's anchor, 0 (left) ..= 1 (right).
    pub x: f32,
    /// Vertical position of the tag's anchor, 0 (top) ..= 1 (bottom).
    pub y: f32,
    /// Programme date-time of the frame the host pinned it on, Unix ms: a
    /// viewer shows the tag when its picture reaches that frame.
    pub at: i64,
}

/// One change to the tags, at a programme date-time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagChange {
    /// Programme date-time of the frame it belongs to, Unix ms.
    pub at: i64,
    /// The product whose tag changed.
    pub product_id: ProductId,
    /// The tag from then on; `None` when it was unpinned.
    pub pin: Option<Pin>,
}

impl TagChange {
    /// Applies the change to the tags up: a pin replaces the product's tag in
    /// place (a move keeps its order) or joins the end; an unpin removes it.
    pub fn apply(&self, pins: &mut Vec<Pin>) {
        match (
            &self.pin,
            pins.iter().position(|p| p.product_id == self.product_id),
        ) {
            (Some(pin), Some(i)) => pins[i] = pin.clone(),
            (Some(pin), None) => pins.push(pin.clone()),
            (None, Some(i)) => {
                pins.remove(i);
            }
            (None, None) => {}
        }
    }
}

/// The tags up at programme time `at`: `base` (the tags before the first change)
/// with every change of `log` (oldest first) made at or before `at`.
pub fn tags_at(base: &[Pin], log: &[TagChange], at: i64) -> Vec<Pin> {
    let mut pins = base.to_vec();
    for change in log.iter().take_while(|c| c.at <= at) {
        change.apply(&mut pins);
    }
    pins
}

/// Folds the changes of `log` made before `before` into `base`, so the log
/// keeps only what a viewer behind live may still need.
pub fn forget_before(base: &mut Vec<Pin>, log: &mut Vec<TagChange>, before: i64) {
    let old = log.iter().take_while(|c| c.at < before).count();
    for change in log.drain(..old) {
        change.apply(base);
    }
}

#[cfg(test)]
mod tests {
    use crate::tags::*;

    fn pin(product: &str, x: f32, at: i64) -> Pin {
        Pin {
            product_id: product.into(),
            x,
            y: 0.5,
            at,
        }
    }

    fn change(product: &str, at: i64, x: Option<f32>) -> TagChange {
        TagChange {
            at,
            product_id: product.into(),
            pin: x.map(|x| pin(product, x, at)),
        }
    }

    fn ids(pins: &[Pin]) -> Vec<(&str, f32)> {
        pins.iter().map(|p| (p.product_id.as_str(), p.x)).collect()
    }

    #[test]
    fn the_tags_of_a_moment_are_the_changes_made_by_then() {
        let base = [pin("tote", 0.2, 0)];
        let log = [
            change("coffee", 1_000, Some(0.5)),
            change("tote", 2_000, Some(0.3)), // moved
            change("coffee", 3_000, None),
        ];
        assert_eq!(ids(&tags_at(&base, &log, 999)), [("tote", 0.2)]);
        assert_eq!(
            ids(&tags_at(&base, &log, 1_000)),
            [("tote", 0.2), ("coffee", 0.5)]
        );
        assert_eq!(
            ids(&tags_at(&base, &log, 2_500)),
            [("tote", 0.3), ("coffee", 0.5)]
        );
        assert_eq!(ids(&tags_at(&base, &log, 9_000)), [("tote", 0.3)]);
        // Back in time again: the moment decides, not what was seen before.
        assert_eq!(
            ids(&tags_at(&base, &log, 1_500)),
            [("tote", 0.2), ("coffee", 0.5)]
        );
    }

    #[test]
    fn forgetting_old_changes_keeps_every_later_moment_the_same() {
        let mut base = vec![pin("tote", 0.2, 0)];
        let mut log = vec![
            change("coffee", 1_000, Some(0.5)),
            change("tote", 2_000, None),
            change("jar", 3_000, Some(0.7)),
        ];
        let later: Vec<_> = (2_000..4_000)
            .step_by(250)
            .map(|t| tags_at(&base, &log, t))
            .collect();
        forget_before(&mut base, &mut log, 2_500);
        assert_eq!(ids(&base), [("coffee", 0.5)]);
        assert_eq!(log.len(), 1);
        let again: Vec<_> = (2_000..4_000)
            .step_by(250)
            .map(|t| tags_at(&base, &log, t))
            .collect();
        assert_eq!(
            again[2..],
            later[2..],
            "moments from 2 500 on are unchanged"
        );
    }
}
