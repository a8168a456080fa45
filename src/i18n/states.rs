//! The words people read for each state of the domain: a catalogue key per
//! state. The key's last word also names the state where a page needs a
//! plain word for it (a style class, a list's filter in the address), so
//! that the catalogue is the one mapping pages use.

use super::Lang;
use crate::domain::account::EventRole;
use crate::domain::action_plan::follow_up::Progress;
use crate::domain::action_plan::review::Section;
use crate::domain::action_plan::{State as PlanState, Strategy};
use crate::domain::attendance::{Match, Source};
use crate::domain::outbox::OutboxStatus;
use crate::domain::registration::Status;
use crate::domain::session::ZoomStatus;

pub trait Labelled: Sized + Copy + 'static {
    const ALL: &'static [Self];

    fn label_key(self) -> &'static str;

    /// The last word of the label's key: `confirmed` for
    /// `registration.status.confirmed`.
    fn name(self) -> &'static str {
        let key = self.label_key();
        key.rsplit('.').next().unwrap_or(key)
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }
}

impl Lang {
    /// What a state is called in this language.
    pub fn label(self, state: impl Labelled) -> &'static str {
        self.t(state.label_key())
    }
}

macro_rules! labels {
    ($($ty:ident { $($variant:ident => $key:literal),+ $(,)? })+) => {$(
        impl Labelled for $ty {
            const ALL: &'static [Self] = &$ty::ALL;

            fn label_key(self) -> &'static str {
                match self {
                    $($ty::$variant => $key,)+
                }
            }
        }
    )+};
}

labels! {
    Status {
        Unconfirmed => "registration.status.unconfirmed",
        AwaitingApproval => "registration.status.awaiting_approval",
        Waitlisted => "registration.status.waitlisted",
        Confirmed => "registration.status.confirmed",
        Rejected => "registration.status.rejected",
        Cancelled => "registration.status.cancelled",
    }
    OutboxStatus {
        Queued => "outbox.status.queued",
        Sent => "outbox.status.sent",
        Failed => "outbox.status.failed",
    }
    ZoomStatus {
        None => "session.zoom_status.none",
        Pending => "session.zoom_status.pending",
        Ready => "session.zoom_status.ready",
        Failed => "session.zoom_status.failed",
    }
    Source {
        Webhook => "attendance.source.webhook",
        Report => "attendance.source.report",
        Csv => "attendance.source.csv",
        CheckIn => "attendance.source.checkin",
        Manual => "attendance.source.manual",
    }
    Match {
        RegistrantId => "attendance.matched_by.registrant_id",
        Email => "attendance.matched_by.email",
        Organiser => "attendance.matched_by.organiser",
        CheckIn => "attendance.matched_by.checkin",
        Manual => "attendance.matched_by.manual",
    }
    PlanState {
        Draft => "plan.state.draft",
        Submitted => "plan.state.submitted",
        RevisionAsked => "plan.state.revision_asked",
        Accepted => "plan.state.accepted",
    }
    Strategy {
        Information => "plan.strategy.information",
        Community => "plan.strategy.community",
        Advocacy => "plan.strategy.advocacy",
    }
    Section {
        Title => "plan.field.title",
        Situation => "plan.field.situation",
        Objectives => "plan.field.objectives",
        TargetGroup => "plan.field.target_group",
        Strategies => "plan.field.strategies",
        Activities => "plan.field.activities",
        Indicators => "plan.field.indicators",
        Attachment => "plan.field.attachment",
    }
    EventRole {
        Organiser => "role.organiser",
        Speaker => "role.speaker",
        Reviewer => "role.reviewer",
    }
    Progress {
        Done => "follow_up.progress.done",
        InProgress => "follow_up.progress.in_progress",
        NotStarted => "follow_up.progress.not_started",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_label<T: Labelled + PartialEq + std::fmt::Debug>() {
        for &state in T::ALL {
            assert!(
                Lang::ALL
                    .iter()
                    .all(|lang| lang.find(state.label_key()).is_some()),
                "{state:?} has no label"
            );
            assert_eq!(T::from_name(state.name()), Some(state));
        }
    }

    #[test]
    fn every_state_has_a_label_and_a_name() {
        every_label::<Status>();
        every_label::<OutboxStatus>();
        every_label::<ZoomStatus>();
        every_label::<Source>();
        every_label::<Match>();
        every_label::<PlanState>();
        every_label::<Strategy>();
        every_label::<Section>();
        every_label::<EventRole>();
        every_label::<Progress>();
    }
}
