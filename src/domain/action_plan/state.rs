//! Where a plan stands: written by its participant until submitted, then
//! with the organisers until they accept it or ask for a revision.

/// A plan's state; a plan that was never saved has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Draft,
    Submitted,
    RevisionAsked,
    Accepted,
}

/// The step does not start from this state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAllowed;

impl State {
    pub const ALL: [State; 4] = [
        State::Draft,
        State::Submitted,
        State::RevisionAsked,
        State::Accepted,
    ];

    /// Whether its participant may change it: a submitted plan is theirs
    /// again only once a revision is asked.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::RevisionAsked)
    }

    pub fn submit(self) -> Result<State, NotAllowed> {
        self.editable()
            .then_some(State::Submitted)
            .ok_or(NotAllowed)
    }

    /// Whether a reviewer may decide on it now.
    pub fn awaits_review(self) -> bool {
        self == State::Submitted
    }

    /// A reviewer's answer to a submitted plan.
    pub fn ask_revision(self) -> Result<State, NotAllowed> {
        (self == State::Submitted)
            .then_some(State::RevisionAsked)
            .ok_or(NotAllowed)
    }

    pub fn accept(self) -> Result<State, NotAllowed> {
        (self == State::Submitted)
            .then_some(State::Accepted)
            .ok_or(NotAllowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_goes_from_draft_through_review() {
        assert_eq!(State::Draft.submit(), Ok(State::Submitted));
        assert_eq!(State::Submitted.submit(), Err(NotAllowed));
        assert_eq!(State::Submitted.ask_revision(), Ok(State::RevisionAsked));
        assert_eq!(State::RevisionAsked.submit(), Ok(State::Submitted));
        assert_eq!(State::Submitted.accept(), Ok(State::Accepted));
        assert_eq!(State::Accepted.submit(), Err(NotAllowed));
        assert_eq!(State::Draft.accept(), Err(NotAllowed));
        assert_eq!(State::Accepted.ask_revision(), Err(NotAllowed));
        let awaiting: Vec<_> = State::ALL
            .into_iter()
            .filter(|s| s.awaits_review())
            .collect();
        assert_eq!(awaiting, [State::Submitted]);
        let editable: Vec<_> = State::ALL.into_iter().filter(|s| s.editable()).collect();
        assert_eq!(editable, [State::Draft, State::RevisionAsked]);
    }
}
