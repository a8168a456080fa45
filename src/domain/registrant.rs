//! Where a participant's registration for a session's Zoom meeting stands.

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

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrantStatus::Pending => "pending",
            RegistrantStatus::Added => "added",
            RegistrantStatus::Cancelled => "cancelled",
            RegistrantStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<RegistrantStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
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
    fn statuses_round_trip() {
        for status in RegistrantStatus::ALL {
            assert_eq!(RegistrantStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(RegistrantStatus::parse("lost"), None);
    }

    #[test]
    fn addresses_match_whatever_their_case() {
        assert!(same_address("Siti@Example.ID", " siti@example.id"));
        assert!(!same_address("siti@example.id", "sita@example.id"));
    }
}
