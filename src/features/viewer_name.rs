//! A viewer as others see them wherever they appear (chat, gift lane, top
//! gifters): the name, their Fan Club pill and the latest badge they earned.
use lapak_protocol::Viewer;
use leptos::prelude::*;
use reactive_stores::Field;

use crate::i18n;
use crate::store::{Community, CommunityStoreFields};

/// The name (plain text, "You" for the shopper where `you`), the club pill
/// for members and the badge image; a long name is cut with an ellipsis.
#[component]
pub fn ViewerName(
    /// The community state (the club's name and the badges come from it).
    #[prop(into)]
    community: Field<Community>,
    /// Who.
    viewer: Viewer,
    /// Say "You" instead of the name.
    #[prop(optional)]
    you: bool,
) -> impl IntoView {
    let text = i18n::text();
    let name = if you {
        text.you.to_owned()
    } else {
        viewer.name
    };
    // Read once: the club and the badges are the show's, fixed while it plays, and
    // a busy chat builds hundreds of names a second, each cheaper without effects.
    let pill = viewer.club.map(|level| {
        let club = community
            .club()
            .read_untracked()
            .as_ref()
            .map_or(text.fan_club.to_owned(), |c| c.name.clone());
        let label = (text.club_member)(&club, level);
        // The heart and the level are drawn by CSS (`data-level`): fewer
        // elements per line, and the label says it all to a screen reader.
        view! {
            <span class="lapak-member" data-testid="club-badge" role="img" aria-label=label data-level=level>
                <span class="lapak-member-club">{club}</span>
            </span>
        }
    });
    let badge = viewer.badge.as_deref().and_then(|id| {
        let badges = community.badges().read_untracked();
        let badge = badges.iter().find(|b| b.id == id)?;
        Some(view! {
            <img class="lapak-viewer-badge" data-testid="viewer-badge" src=badge.image_url.clone() alt=badge.name.clone()/>
        })
    });
    // `dir="auto"` isolates the name (as `<bdi>` would, without another element):
    // right-to-left letters in it cannot reorder the line beside it, nor the line it.
    view! {
        <span class="lapak-viewer" data-testid="viewer-name">
            <span class="lapak-viewer-label" dir="auto">{name}</span>
            {pill}
            {badge}
        </span>
    }
}
