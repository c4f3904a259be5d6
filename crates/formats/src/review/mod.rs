//! Files of the quarterly review: the meeting invitation as iCalendar.

pub mod ics;

pub use ics::{CalAddress, CalRole, IcsError, Invitation, write_invitation};
