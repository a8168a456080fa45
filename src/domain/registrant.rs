//! Where a participant's registration for a session's Zoom meeting stands.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::session::ZoomProblem;

/// How long a participant's invitation to a Zoom session waits for their
/// personal link, so that one e-mail carries it: Zoom registers a batch in
/// a second or two; longer means Zoom is away, and the invitation goes
/// without the link, which follows when Zoom is back.
pub const LINK_WAIT_MINUTES: u64 = 5;
pub const LINK_WAIT: Duration = Duration::from_secs(LINK_WAIT_MINUTES * 60);

/// Until when an invitation queued at `queued_at` waits for a personal
/// link that is still to come: `None` once its `bound` is spent.
pub fn link_awaited_until(
    queued_at: DateTime<Utc>,
    bound: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let until = queued_at + chrono::Duration::from_std(bound).ok()?;
    (now < until).then_some(until)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrantStatus {
    /// To be registered with Zoom.
    Pending,
    /// Zoom has them; their personal link is stored.
    Added,
    /// They no longer take part; Zoom's registration (if any) is cancelled.
    Cancelled,
    /// Zoom refused them; the error says why.
    Failed,
}

impl RegistrantStatus {
    pub const ALL: [RegistrantStatus; 4] = [
        RegistrantStatus::Pending,
        RegistrantStatus::Added,
        RegistrantStatus::Cancelled,
        RegistrantStatus::Failed,
    ];
}

/// A confirmed participant of a Zoom session who has no personal link yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlinked {
    pub name: String,
    pub email: String,
    /// Why Zoom refused them; `None` while they wait their turn.
    pub problem: Option<ZoomProblem>,
}

/// How many of a session's confirmed participants have their personal
/// link, and who does not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkStanding {
    pub total: usize,
    pub linked: usize,
    pub unlinked: Vec<Unlinked>,
}

impl LinkStanding {
    /// Someone Zoom refused: only someone acting (the organiser's retry,
    /// once the cause is fixed) gets them registered.
    pub fn has_refusals(&self) -> bool {
        self.unlinked.iter().any(|u| u.problem.is_some())
    }

    /// Counts one participant; `error` is a stored [`ZoomProblem`].
    pub fn count(
        &mut self,
        status: RegistrantStatus,
        name: String,
        email: String,
        error: Option<&str>,
    ) {
        match status {
            RegistrantStatus::Cancelled => return,
            RegistrantStatus::Added => self.linked += 1,
            RegistrantStatus::Pending | RegistrantStatus::Failed => self.unlinked.push(Unlinked {
                name,
                email,
                problem: (status == RegistrantStatus::Failed)
                    .then(|| ZoomProblem::from_stored(error.unwrap_or_default())),
            }),
        }
        self.total += 1;
    }
}

/// Zoom compares addresses without regard to case and may answer in
/// another case than it was sent.
pub fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_waits_for_the_link_until_its_bound() {
        let queued = DateTime::parse_from_rfc3339("2030-07-29T02:00:00Z")
            .unwrap()
            .to_utc();
        let bound = Duration::from_secs(300);
        let later = |seconds| queued + chrono::Duration::seconds(seconds);
        assert_eq!(link_awaited_until(queued, bound, queued), Some(later(300)));
        assert_eq!(
            link_awaited_until(queued, bound, later(299)),
            Some(later(300))
        );
        assert_eq!(link_awaited_until(queued, bound, later(300)), None);
    }

    #[test]
    fn a_standing_counts_the_confirmed_and_names_who_has_no_link() {
        let mut standing = LinkStanding::default();
        let refusal = ZoomProblem {
            key: "zoom.error.capacity".into(),
            detail: String::new(),
            until: None,
        };
        for (status, error) in [
            (RegistrantStatus::Added, None),
            (RegistrantStatus::Cancelled, None),
            (RegistrantStatus::Pending, None),
            (RegistrantStatus::Failed, Some(refusal.to_stored())),
        ] {
            standing.count(
                status,
                "Siti".into(),
                "siti@example.id".into(),
                error.as_deref(),
            );
        }
        assert_eq!((standing.total, standing.linked), (3, 1));
        assert_eq!(standing.unlinked[0].problem, None);
        assert_eq!(standing.unlinked[1].problem, Some(refusal));
        assert!(standing.has_refusals());
    }

    #[test]
    fn addresses_match_whatever_their_case() {
        assert!(same_address("Siti@Example.ID", " siti@example.id"));
        assert!(!same_address("siti@example.id", "sita@example.id"));
    }
}
