//! Where a participant's registration for a session's Zoom meeting stands.

use crate::domain::session::ZoomProblem;

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
