//! Payment providers' callbacks (`POST /api/v1/payments/{provider}/callback`)
//! and the test provider's pay page (`POST /api/v1/payments/test/pay/{order}`).
//! A callback's body is the provider's own; these are Lapak's answers.

use serde::{Deserialize, Serialize};

/// The answer to a verified callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// Events in the body.
    pub events: usize,
    /// Of those, applied now; the others were applied before (a duplicate).
    pub applied: usize,
}

/// The answer of the test provider's pay page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPaid {
    /// The order number paid.
    pub order: String,
    /// Whether the payment went through (false: its request had expired or was cancelled).
    pub paid: bool,
}
