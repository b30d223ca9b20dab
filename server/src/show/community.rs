//! The show file's `[community]` table: the pinned message, the chat's
//! blocklist, the Fan Club, badges and missions. All of it is optional: a show
//! without the table still has chat and likes, but no club, missions or badges.

use std::collections::HashSet;

use lapak_protocol::{
    Activity, Badge, CouponReward, CouponTerms, FanClub, Mission, Off, Period, Reward,
};
use serde::{Deserialize, Serialize};

use super::Gifting;
use crate::text::Blocklist;

/// The `[community]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The host's pinned message, shown above the chat.
    #[serde(default)]
    pub pinned: Option<String>,
    /// Its translations, by language (`pinned_translations = { id = "…" }`).
    #[serde(default)]
    pub pinned_translations: lapak_protocol::Translations,
    /// Words masked in chat lines and names (whole words, any case).
    #[serde(default)]
    pub blocklist: Blocklist,
    /// The host's Fan Club, if there is one.
    #[serde(default)]
    pub club: Option<ClubEntry>,
    /// Badges missions can grant.
    #[serde(default)]
    pub badges: Vec<Badge>,
    /// Missions, in the order viewers see them.
    #[serde(default)]
    pub missions: Vec<MissionEntry>,
}

/// `[community.club]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClubEntry {
    /// The club's name.
    pub name: String,
    /// Points needed per level, the first 0, increasing.
    pub levels: Vec<u32>,
    /// The gift that joins the club; free to join without one.
    #[serde(default)]
    pub join_gift: Option<String>,
}

/// `[[community.missions]]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MissionEntry {
    /// Unique within the show.
    pub id: String,
    /// The activity counted.
    pub counts: Activity,
    /// How many complete it, 1 at least.
    pub target: u32,
    /// `show` (the default) or `daily`.
    #[serde(default)]
    pub period: Period,
    /// What completing it grants.
    #[serde(default)]
    pub reward: RewardEntry,
}

/// A mission's `reward = { badge?, points?, coins? }`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RewardEntry {
    /// A badge id of `[[community.badges]]`.
    #[serde(default)]
    pub badge: Option<String>,
    /// Fan Club points (for members).
    #[serde(default)]
    pub points: u32,
    /// Coins into the wallet.
    #[serde(default)]
    pub coins: u32,
    /// A coupon into the wallet.
    #[serde(default)]
    pub coupon: Option<CouponEntry>,
}

/// A reward's `coupon = { percent_off | amount_off, min_spend?, valid_hours }`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CouponEntry {
    /// Percent off, 1..=90.
    #[serde(default)]
    pub percent_off: Option<u32>,
    /// Amount off, minor units.
    #[serde(default)]
    pub amount_off: Option<i64>,
    /// Merchandise (after deals) a cart must reach, minor units.
    #[serde(default)]
    pub min_spend: i64,
    /// Hours it stays usable once granted, 1..=8760.
    pub valid_hours: u32,
}

/// Terms as a show file or the API writes them: `percent_off` or `amount_off`
/// (minor units), and an optional `min_spend` (minor units).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TermsEntry {
    /// Percent off, 1..=90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_off: Option<u32>,
    /// Amount off, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<i64>,
    /// Merchandise (after deals) a cart must reach, minor units.
    #[serde(default)]
    pub min_spend: i64,
}

impl TermsEntry {
    /// The terms, or why they cannot be offered.
    pub fn terms(&self) -> Result<CouponTerms, String> {
        let off = match (self.percent_off, self.amount_off) {
            (Some(percent), None) => Off::Percent { percent },
            (None, Some(minor)) => Off::Amount { minor },
            _ => return Err("give exactly one of percent_off and amount_off".into()),
        };
        let terms = CouponTerms {
            off,
            min_spend: self.min_spend,
        };
        match terms.problem() {
            Some(problem) => Err(problem.into()),
            None => Ok(terms),
        }
    }
}

impl CouponEntry {
    fn terms(&self) -> Result<CouponTerms, String> {
        let entry = TermsEntry {
            percent_off: self.percent_off,
            amount_off: self.amount_off,
            min_spend: self.min_spend,
        };
        if !(1..=8760).contains(&self.valid_hours) {
            return Err("valid_hours must be 1..=8760".into());
        }
        entry.terms()
    }

    /// The reward as viewers see it; `None` only for terms the show file's
    /// check refuses.
    pub fn reward(&self) -> Option<CouponReward> {
        Some(CouponReward {
            terms: self.terms().ok()?,
            valid_hours: self.valid_hours,
        })
    }
}

impl Settings {
    /// The pinned message the file sets, if any.
    pub fn pinned(&self) -> Option<crate::pinned::Message> {
        self.pinned.clone().map(|text| crate::pinned::Message {
            text,
            translations: self.pinned_translations.clone(),
        })
    }

    /// The club as the protocol carries it.
    pub fn club(&self) -> Option<FanClub> {
        self.club.as_ref().map(|c| FanClub {
            name: c.name.clone(),
            join_gift: c.join_gift.clone(),
            levels: c.levels.clone(),
        })
    }

    /// The missions as the protocol carries them, in show order.
    pub fn missions(&self) -> Vec<Mission> {
        self.missions
            .iter()
            .map(|m| Mission {
                id: m.id.clone(),
                counts: m.counts,
                target: m.target,
                period: m.period,
                reward: Reward {
                    badge: m.reward.badge.clone(),
                    points: m.reward.points,
                    coins: m.reward.coins,
                    coupon: m.reward.coupon.as_ref().and_then(CouponEntry::reward),
                },
            })
            .collect()
    }

    /// Checks the table against the show's gifts.
    pub fn validate(&self, gifting: &Gifting) -> Result<(), String> {
        self.blocklist.validate()?;
        if self.pinned.is_none() && !self.pinned_translations.is_empty() {
            return Err("community.pinned_translations translate no community.pinned".into());
        }
        crate::pinned::check(self.pinned.as_deref(), &self.pinned_translations)
            .map_err(|e| format!("community.pinned: {e}"))?;
        if let Some(club) = &self.club {
            if club.name.trim().is_empty() {
                return Err("community.club needs a name".into());
            }
            if club.levels.first() != Some(&0) || club.levels.windows(2).any(|w| w[0] >= w[1]) {
                return Err("community.club.levels must start at 0 and increase".into());
            }
            if let Some(gift) = &club.join_gift {
                if !gifting.gifts.iter().any(|g| &g.id == gift) {
                    return Err(format!(
                        "community.club.join_gift names unknown gift {gift}"
                    ));
                }
            }
        }
        let mut badges = HashSet::new();
        for badge in &self.badges {
            if badge.id.is_empty() || !badges.insert(badge.id.as_str()) {
                return Err(format!("badge {:?} is empty or appears twice", badge.id));
            }
        }
        let mut missions = HashSet::new();
        for mission in &self.missions {
            let id = &mission.id;
            if id.is_empty() || !missions.insert(id.as_str()) {
                return Err(format!("mission {id:?} is empty or appears twice"));
            }
            if mission.target == 0 {
                return Err(format!("mission {id} needs a target ≥ 1"));
            }
            // Viewers read unknown values leniently; a show file must name real ones.
            if mission.counts == Activity::Unknown || mission.period == Period::Unknown {
                return Err(format!("mission {id} counts an unknown activity or period"));
            }
            if let Some(coupon) = &mission.reward.coupon {
                coupon
                    .terms()
                    .map_err(|e| format!("mission {id}'s coupon: {e}"))?;
            }
            if let Some(badge) = &mission.reward.badge {
                if !badges.contains(badge.as_str()) {
                    return Err(format!("mission {id} rewards unknown badge {badge}"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gifting() -> Gifting {
        toml::from_str(
            r#"
            host_credit_per_coin = 1
            gifts = [{ id = "rose", name = "Rose", image_url = "/r.svg", coins = 1, tier = "small" }]
            "#,
        )
        .unwrap()
    }

    fn check(table: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(table).map_err(|e| e.to_string())?;
        settings.validate(&gifting()).map(|()| settings)
    }

    #[test]
    fn a_full_table_loads_and_missions_keep_their_order() {
        let settings = check(
            r#"
            pinned = "Hi"
            blocklist = ["darn"]
            club = { name = "Circle", levels = [0, 10], join_gift = "rose" }
            badges = [{ id = "b", name = "B", image_url = "/b.svg" }]
            [[missions]]
            id = "watch"
            counts = "watch_seconds"
            target = 300
            reward = { badge = "b", points = 20 }
            [[missions]]
            id = "daily"
            counts = "like"
            target = 100
            period = "daily"
            reward = { coins = 10 }
            "#,
        )
        .unwrap();
        let missions = settings.missions();
        assert_eq!(missions[0].id, "watch");
        assert_eq!(missions[0].period, Period::Show);
        assert_eq!(missions[1].period, Period::Daily);
        assert_eq!(missions[1].reward.coins, 10);
        assert_eq!(settings.club().unwrap().join_gift.as_deref(), Some("rose"));
    }

    #[test]
    fn mistakes_are_refused_with_the_reason() {
        let mission = |body: &str| format!("[[missions]]\nid = \"m\"\n{body}");
        for (table, reason) in [
            ("club = { name = \"C\", levels = [1, 2] }".to_owned(), "start at 0"),
            ("club = { name = \"C\", levels = [0, 5, 5] }".into(), "increase"),
            ("club = { name = \"C\", levels = [0], join_gift = \"crown\" }".into(), "unknown gift crown"),
            ("badges = [{ id = \"b\", name = \"B\", image_url = \"/b\" }, { id = \"b\", name = \"C\", image_url = \"/c\" }]".into(), "appears twice"),
            (mission("counts = \"like\"\ntarget = 0"), "target ≥ 1"),
            (mission("counts = \"dance\"\ntarget = 1"), "unknown activity"),
            (mission("counts = \"like\"\ntarget = 1\nperiod = \"weekly\""), "unknown activity or period"),
            (mission("counts = \"like\"\ntarget = 1\nreward = { badge = \"nope\" }"), "unknown badge nope"),
            (mission("counts = \"like\"\ntarget = 1\nreward = { coin = 5 }"), "unknown field"),
            (format!("{}\n{}", mission("counts = \"like\"\ntarget = 1"), mission("counts = \"share\"\ntarget = 1")), "appears twice"),
            ("blocklist = [\"two words\"]".into(), "blocklist"),
        ] {
            let error = check(&table).unwrap_err();
            assert!(error.contains(reason), "{table}: {error}");
        }
    }
}
