//! The case loop (案件办理流程) as pure rules: where a case came from, the state folded from its
//! workflow events, which action each role may take in which state (`decide`), the working
//! calendar and time limits with their warning levels.
//!
//! Nothing here reads a clock or a database: the server passes the history, the actor and the
//! time, and writes the events `decide` returns.

mod action;
pub mod calendar;
pub mod command;
pub mod conflict;
mod decide;
pub mod event;
pub mod limits;
mod source;
mod state;

pub use action::{Action, ActionKind, Actor, CaseFacts};
pub use conflict::ConflictOutcome;
pub use decide::{Draft, Refused, WorkflowError, allowed_actions, decide, permits};
pub use source::Source;
pub use state::{CaseState, superseded};

#[cfg(test)]
mod tests;
