//! What the unit tests of several modules share.
use lapak_protocol::Viewer;

/// Viewer `id` with the name the server would generate.
pub fn viewer(id: u64) -> Viewer {
    Viewer {
        id,
        name: format!("user{id:06}"),
        ..Viewer::default()
    }
}
