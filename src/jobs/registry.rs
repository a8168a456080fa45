use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use super::{Attempt, BackgroundJob, JobFailure, Outcome};

type Running<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
type Runner<C> = for<'a> fn(&'a C, &str, &'a Attempt) -> Running<'a>;

/// The job kinds a worker runs, with what they share: the one place where
/// a row's `kind` is matched to its type.
pub struct Registry<C> {
    context: C,
    runners: HashMap<&'static str, Runner<C>>,
}

impl<C: Send + Sync + 'static> Registry<C> {
    pub fn new(context: C) -> Self {
        Registry {
            context,
            runners: HashMap::new(),
        }
    }

    /// Adds a kind. Two types with one name are a programming error.
    pub fn register<J: BackgroundJob<Context = C>>(mut self) -> Self {
        let earlier = self.runners.insert(J::KIND, run::<J>);
        assert!(earlier.is_none(), "job kind {:?} registered twice", J::KIND);
        self
    }

    /// Runs a claimed row. An unknown kind or an unreadable payload fails
    /// the job for good, with the reason as its error.
    pub(super) fn run<'a>(
        &'a self,
        kind: &str,
        payload: &str,
        attempt: &'a Attempt,
    ) -> Running<'a> {
        match self.runners.get(kind) {
            Some(runner) => runner(&self.context, payload, attempt),
            None => failed(format!("no handler for job kind {kind:?}")),
        }
    }
}

fn run<'a, J: BackgroundJob>(
    context: &'a J::Context,
    payload: &str,
    attempt: &'a Attempt,
) -> Running<'a> {
    match serde_json::from_str::<J>(payload) {
        Ok(job) => Box::pin(job.run(context, attempt)),
        Err(error) => failed(format!("bad payload: {error}")),
    }
}

fn failed<'a>(reason: String) -> Running<'a> {
    Box::pin(std::future::ready(Outcome::from(Err(
        JobFailure::Permanent(reason),
    ))))
}
