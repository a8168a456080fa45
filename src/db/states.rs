//! How each state of the domain is written in its column: the one place
//! those words appear outside raw SQL and migrations. Services and views
//! match on the enums; labels for people come from the i18n catalogue.

use crate::domain::action_plan::State as PlanState;
use crate::domain::action_plan::review::Decision;
use crate::domain::attendance::{Match, Source};
use crate::domain::certificate::Kind as CertificateKind;
use crate::domain::certificate::eligibility::Requirement;
use crate::domain::job::JobStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::registrant::RegistrantStatus;
use crate::domain::registration::Status;
use crate::domain::session::ZoomStatus;

/// A state as its column stores it.
pub trait Stored: Sized + Copy + 'static {
    const ALL: &'static [Self];

    fn stored(&self) -> &'static str;

    fn from_stored(stored: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.stored() == stored)
    }
}

/// The mapping for each enum, and the conversions diesel uses for model
/// fields typed with it (`deserialize_as = String, serialize_as = String`).
macro_rules! stored_states {
    ($($ty:ident { $($variant:ident => $text:literal),+ $(,)? })+) => {$(
        impl Stored for $ty {
            const ALL: &'static [Self] = &$ty::ALL;

            fn stored(&self) -> &'static str {
                match self {
                    $($ty::$variant => $text,)+
                }
            }
        }

        impl TryFrom<String> for $ty {
            type Error = String;

            fn try_from(stored: String) -> Result<Self, String> {
                <$ty as Stored>::from_stored(&stored).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($ty), " {:?}"), stored)
                })
            }
        }

        impl From<$ty> for String {
            fn from(state: $ty) -> String {
                state.stored().to_owned()
            }
        }
    )+};
}

stored_states! {
    Status {
        Unconfirmed => "unconfirmed",
        AwaitingApproval => "awaiting_approval",
        Waitlisted => "waitlisted",
        Confirmed => "confirmed",
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
    JobStatus {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
    OutboxStatus {
        Queued => "queued",
        Sent => "sent",
        Failed => "failed",
    }
    ZoomStatus {
        None => "none",
        Pending => "pending",
        Ready => "ready",
        Failed => "failed",
    }
    RegistrantStatus {
        Pending => "pending",
        Added => "added",
        Cancelled => "cancelled",
        Failed => "failed",
    }
    Source {
        Webhook => "webhook",
        Report => "report",
        Csv => "csv",
        CheckIn => "checkin",
        Manual => "manual",
    }
    PlanState {
        Draft => "draft",
        Submitted => "submitted",
        RevisionAsked => "revision_asked",
        Accepted => "accepted",
    }
    Decision {
        RevisionAsked => "revision_asked",
        Accepted => "accepted",
    }
    Match {
        RegistrantId => "registrant_id",
        Email => "email",
        Organiser => "organiser",
        CheckIn => "checkin",
        Manual => "manual",
    }
    CertificateKind {
        Participant => "participant",
        Speaker => "speaker",
        Committee => "committee",
    }
    Requirement {
        Attendance => "attendance",
        Plan => "plan",
        Both => "both",
        None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Stored + PartialEq + std::fmt::Debug + TryFrom<String> + Into<String>>() {
        let mut seen = std::collections::HashSet::new();
        for &state in T::ALL {
            assert!(seen.insert(state.stored()), "{state:?} stored twice");
            assert_eq!(T::from_stored(state.stored()), Some(state));
            let text: String = state.into();
            assert!(T::try_from(text).is_ok_and(|back| back == state));
        }
        assert_eq!(T::from_stored("lost"), None);
        assert!(T::try_from("lost".to_owned()).is_err());
    }

    #[test]
    fn every_state_round_trips() {
        round_trips::<Status>();
        round_trips::<JobStatus>();
        round_trips::<OutboxStatus>();
        round_trips::<ZoomStatus>();
        round_trips::<RegistrantStatus>();
        round_trips::<Source>();
        round_trips::<Match>();
        round_trips::<PlanState>();
        round_trips::<Decision>();
        round_trips::<CertificateKind>();
        round_trips::<Requirement>();
    }
}
