//! Webhook delivery. Every change to a key writes an event to the outbox
//! (`webhook_deliveries`) in the change's own transaction
//! (the store's key changes); a [`worker`] in every `keyhold serve` process
//! claims due deliveries, signs them ([`sign`]) and POSTs them
//! ([`deliver`]), retrying failures on a [`backoff`] schedule.
//!
//! Order: a key's deliveries go out in the order they were created; a
//! delivery waits while an earlier one of the same key is pending (being
//! retried included). One that fails for good (after its last retry)
//! releases the next, so a dead receiver delays a key's events by the
//! retry schedule but never blocks them forever.
//!
//! At least once: a worker that dies after the receiver got a delivery but
//! before recording it sends it again when its lease runs out, with the
//! same `webhook-id`; receivers drop duplicates by that id.

pub mod backoff;
pub mod deliver;
pub mod sign;
pub mod tuning;
pub mod worker;

pub use tuning::WebhookTuning;
pub use worker::{Worker, WorkerHandle};
