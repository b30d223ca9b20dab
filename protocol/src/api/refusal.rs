//! Every refusal's body: a 4xx with a machine-readable code and a sentence.

use serde::{Deserialize, Serialize};

/// A refusal: `{"code": "forbidden", "message": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// What went wrong, for programs (`forbidden`, `invalid`, `deal_running`…).
    pub code: String,
    /// What went wrong, for people (English).
    pub message: String,
}
