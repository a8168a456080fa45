//! Where a message in the outbox stands.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting for its first or next attempt.
    Queued,
    Sent,
    /// Refused for good, or out of attempts; the last error says why.
    Failed,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 3] = [
        OutboxStatus::Queued,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
    ];
}
