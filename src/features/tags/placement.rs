//! Where each tag's card goes: above its product or below it, so that no two cards cover
//! each other. Pure geometry in picture units (0..1 of the video's width and height, the
//! pins' own units), tested natively.
//!
//! The stylesheet (`_tags.scss`) lays a card out from the side chosen here: a card is
//! [`CARD_W_PX`]×[`CARD_H_PX`], its near edge [`REACH`] picture heights from the product's
//! centre (a little over half a product's height, so the card never covers its own product), clamped
//! between [`EDGE_PX`] from the left and [`RAIL_PX`] from the right (the side rail). The
//! numbers here must match it.

/// A card's width, CSS px.
pub const CARD_W_PX: f32 = 216.0;
/// A card's tallest height (with a flash deal's countdown line), CSS px.
pub const CARD_H_PX: f32 = 60.0;
/// From a product's centre to its card's near edge, in picture heights.
pub const REACH: f32 = 0.062;
/// Kept clear on the left of the screen, CSS px.
pub const EDGE_PX: f32 = 8.0;
/// Kept clear on the right of the screen for the rail of round buttons and their labels, CSS px.
pub const RAIL_PX: f32 = 76.0;
/// Kept clear at the top of the screen for the show header and the coins chip, CSS px.
pub const HEADER_PX: f32 = 92.0;
/// Kept clear at the bottom of the screen for the chat's field, or a replay's controls (the
/// seek bar: `_replay.scss` keeps them within it), CSS px.
pub const FOOTER_PX: f32 = 60.0;

/// The screens the tags are laid out for: the decision must hold on all of them, since it
/// is made once for every viewer. A phone shows the 9:16 picture full height with its sides
/// cropped; the desktop stage shows all of it at 9:16, smallest (cards largest against the
/// picture) on a 720 px tall window.
pub const SCREENS: [Frame; 2] = [Frame::screen(390.0, 844.0), Frame::screen(405.0, 720.0)];

/// Which side of its product a card goes (the spot's class `is-below` says the second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Above the product: the default, the product stays in view under its card.
    Above,
    /// Below the product: no room above, or another card is there.
    Below,
}

/// A box in picture units: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub left: f32,
    /// Top edge.
    pub top: f32,
    /// Right edge.
    pub right: f32,
    /// Bottom edge.
    pub bottom: f32,
}

#[cfg(test)]
impl Rect {
    /// Whether the two boxes share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    /// Whether a point lies inside.
    pub fn contains(&self, (x, y): (f32, f32)) -> bool {
        (self.left..=self.right).contains(&x) && (self.top..=self.bottom).contains(&y)
    }
}

impl Rect {
    fn area_with(&self, other: &Rect) -> f32 {
        let w = self.right.min(other.right) - self.left.max(other.left);
        let h = self.bottom.min(other.bottom) - self.top.max(other.top);
        w.max(0.0) * h.max(0.0)
    }
}

/// What a screen leaves for cards, in picture units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Leftmost a card may start.
    pub left: f32,
    /// Rightmost a card may end (left of the rail).
    pub right: f32,
    /// Highest a card may start (under the header).
    pub top: f32,
    /// Lowest a card may end (above the chat's field).
    pub bottom: f32,
    /// A card's width.
    pub card_w: f32,
    /// A card's height.
    pub card_h: f32,
}

impl Frame {
    /// A `width`×`height` CSS px screen showing the 9:16 picture as `object-fit: cover`
    /// does: scaled to cover the screen, centred, the overflow cropped.
    pub const fn screen(width: f32, height: f32) -> Frame {
        let pic_w = f32::max(width, height * 9.0 / 16.0);
        let pic_h = f32::max(height, width * 16.0 / 9.0);
        let (crop_x, crop_y) = ((pic_w - width) / 2.0, (pic_h - height) / 2.0);
        Frame {
            left: (crop_x + EDGE_PX) / pic_w,
            right: (crop_x + width - RAIL_PX) / pic_w,
            top: (crop_y + HEADER_PX) / pic_h,
            bottom: (crop_y + height - FOOTER_PX) / pic_h,
            card_w: CARD_W_PX / pic_w,
            card_h: CARD_H_PX / pic_h,
        }
    }

    /// The box of the card for a product at `(x, y)` on `side`: centred over the product,
    /// slid left or right to stay clear of the rail and the left edge (the rail wins
    /// on a screen too narrow for both, like CSS `clamp()`).
    pub fn card(&self, (x, y): (f32, f32), side: Side) -> Rect {
        let left = (x - self.card_w / 2.0)
            .min(self.right - self.card_w)
            .max(self.left);
        let top = match side {
            Side::Above => y - REACH - self.card_h,
            Side::Below => y + REACH,
        };
        Rect {
            left,
            top,
            right: left + self.card_w,
            bottom: top + self.card_h,
        }
    }

    fn fits(&self, card: &Rect) -> bool {
        card.top >= self.top && card.bottom <= self.bottom
    }
}

/// The side of each pin's card, in the pins' order (the order they were pinned).
///
/// Earlier pins are placed first and keep their side when a later one arrives, so a card
/// never jumps. Each card goes above its product unless, on one of `screens`, there is no
/// room above or it would overlap a card already placed; then below, if that is clear;
/// else wherever it overlaps least.
pub fn place(pins: &[(f32, f32)], screens: &[Frame]) -> Vec<Side> {
    let mut sides: Vec<Side> = Vec::with_capacity(pins.len());
    for (i, &pin) in pins.iter().enumerate() {
        let cost = |side: Side| -> (u8, f32) {
            let mut out_of_room = 0;
            let mut overlap = 0.0;
            for screen in screens {
                let card = screen.card(pin, side);
                out_of_room += u8::from(!screen.fits(&card));
                for (&other, &other_side) in pins[..i].iter().zip(&sides) {
                    overlap += card.area_with(&screen.card(other, other_side));
                }
            }
            (out_of_room, overlap)
        };
        let (above, below) = (cost(Side::Above), cost(Side::Below));
        let clear = |(room, overlap): (u8, f32)| room == 0 && overlap == 0.0;
        let side = if clear(above) {
            Side::Above
        } else if clear(below) || below.1 < above.1 || (below.1 == above.1 && below.0 < above.0) {
            Side::Below
        } else {
            Side::Above
        };
        sides.push(side);
    }
    sides
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: Frame = SCREENS[0];
    const DESKTOP: Frame = SCREENS[1];

    /// A product's box around its centre: the demo's products are about a fifth of the
    /// picture wide and a tenth of it high.
    fn product((x, y): (f32, f32)) -> Rect {
        Rect {
            left: x - 0.1,
            top: y - REACH + 0.002,
            right: x + 0.1,
            bottom: y + REACH - 0.002,
        }
    }

    fn cards(pins: &[(f32, f32)], screen: &Frame) -> Vec<Rect> {
        let sides = place(pins, &SCREENS);
        pins.iter()
            .zip(sides)
            .map(|(&p, s)| screen.card(p, s))
            .collect()
    }

    fn assert_apart(pins: &[(f32, f32)]) {
        for screen in &SCREENS {
            let cards = cards(pins, screen);
            for (i, a) in cards.iter().enumerate() {
                for b in &cards[i + 1..] {
                    assert!(!a.overlaps(b), "{a:?} overlaps {b:?} on {screen:?}");
                }
            }
        }
    }

    #[test]
    fn a_lone_pin_gets_its_card_above_the_product() {
        assert_eq!(place(&[(0.4, 0.4)], &SCREENS), [Side::Above]);
    }

    #[test]
    fn two_pins_side_by_side_never_overlap() {
        let pins = [(0.3, 0.4), (0.45, 0.4)];
        assert_eq!(place(&pins, &SCREENS), [Side::Above, Side::Below]);
        assert_apart(&pins);
        assert_apart(&[(0.6, 0.3), (0.62, 0.32)]);
    }

    #[test]
    fn a_pin_near_the_top_flips_below() {
        assert_eq!(place(&[(0.5, 0.12)], &SCREENS), [Side::Below]);
        let card = PHONE.card((0.5, 0.12), Side::Below);
        assert!(card.top >= PHONE.top);
    }

    #[test]
    fn a_pin_near_the_right_edge_clamps_left_of_the_rail() {
        for screen in &SCREENS {
            for x in [0.8, 0.9, 0.97, 1.0] {
                let card = screen.card((x, 0.4), Side::Above);
                assert!(card.right <= screen.right + 1e-6, "{card:?} under the rail");
                assert!(card.left >= screen.left - 1e-6);
            }
        }
        // On a phone the picture's sides are cropped: a pin at the very left still gets a card
        // on screen.
        let card = PHONE.card((0.0, 0.4), Side::Above);
        assert!(card.left >= PHONE.left && PHONE.left > 0.08);
    }

    #[test]
    fn the_card_never_covers_its_own_product() {
        for x in [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
            for y in [0.1, 0.2, 0.3, 0.5, 0.7, 0.85] {
                for screen in &SCREENS {
                    for side in [Side::Above, Side::Below] {
                        let card = screen.card((x, y), side);
                        assert!(
                            !card.overlaps(&product((x, y))),
                            "{card:?} covers ({x}, {y})"
                        );
                        assert!(!card.contains((x, y)));
                    }
                }
            }
        }
    }

    #[test]
    fn earlier_cards_keep_their_side_when_another_is_pinned() {
        let first = place(&[(0.45, 0.4)], &SCREENS);
        let both = place(&[(0.45, 0.4), (0.3, 0.42)], &SCREENS);
        assert_eq!(both[0], first[0]);
        assert_eq!(both[1], Side::Below);
    }

    /// The demo show's products (server/shows/demo.toml), pinned two at a time.
    #[test]
    fn the_demo_shows_pairs_all_go_above_and_stay_apart() {
        let (shirt, tote) = ((0.2185, 0.2915), (0.2185, 0.4923));
        let (coffee, sambal) = ((0.4444, 0.2919), (0.4444, 0.4942));
        let (scarf, lamp) = ((0.6704, 0.2963), (0.6704, 0.4631));
        let pairs = [
            [shirt, tote],
            [tote, coffee],
            [coffee, sambal],
            [sambal, scarf],
            [scarf, lamp],
        ];
        for pair in pairs {
            assert_eq!(place(&pair, &SCREENS), [Side::Above, Side::Above]);
            assert_apart(&pair);
        }
        // The desktop shows the whole picture; a phone crops its sides.
        let (desk, phone) = (
            DESKTOP.card((0.0, 0.4), Side::Above),
            PHONE.card((0.0, 0.4), Side::Above),
        );
        assert!(desk.left < phone.left);
    }
}
