//! The studio API's bodies (docs/api.md): what the studio and a brand's own
//! systems send to `/studio/api/…` and `/api/v1/…`, and what the server
//! answers, one file per resource. The server's handlers and the studio use
//! these same types, so the JSON each side writes is the one the other reads.
//!
//! Requests refuse unknown fields (a typo is `400 bad_request`, not ignored);
//! answers do not, so an older studio reads a newer server.

pub mod catalogue;
pub mod coupons;
pub mod deals;
pub mod message;
pub mod metrics;
pub mod moderation;
pub mod orders;
pub mod payments;
pub mod refusal;
pub mod replay;
pub mod schedule;
pub mod session;
pub mod shows;
pub mod stock;
pub mod tokens;
