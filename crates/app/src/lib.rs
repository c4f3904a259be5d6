//! accord's application layer: the one way anything is changed, whatever the door.
//!
//! Pages, the JSON API, CLI commands, file imports, the review session and the demo loader
//! all call the use cases of this crate with the acting user ([`Actor`]) and a typed input.
//! A use case, in this order:
//!
//! 1. **authorises**: `accord_domain::directory::authorize` decides, nothing else; for an
//!    import before the file is read, and again per row;
//! 2. **loads** the records it touches, with their versions;
//! 3. **asks the domain** (a pure function of the input and the loaded state: the change, an
//!    amendment awaiting the other side, or a typed refusal);
//! 4. **writes** in one store transaction ([`accord_store::WriteTx`]) with its audit entries,
//!    each record only if it is still at the version loaded in step 2 (else [`Error::Stale`]).
//!    A refusal anywhere writes nothing.
//!
//! Every write use case is listed in [`UseCase`]; the permission matrix test runs each as every
//! role. Refusals are one type, [`Error`]; the doors turn it into a status or an exit code in
//! one place each.
//!
//! | module | use cases |
//! |---|---|
//! | [`directory`] | organisations and people of both sides (create, change, delete) |
//! | [`account`] | users (create, change, a new password, disable), signing in and out, one's own password, language and API tokens; the audit log's reads |
//! | [`fleet`] | machines, readings, warranties, assemblies, preventive orders, work orders, part issues, shipments, regimes, the fleet file imports; reads by who sees which machine |
//! | [`plan`] | measures (create, change, report progress, delete), amendments, indicators and actuals, versions, sections, files, links, the plan import and exports |
//! | [`review`] | reporting periods, reports and their workflow, evidence, meetings, the agenda, decisions, two-key minutes, reminders; the invitation and the briefing pack |
//! | [`trade`] | trade and rate imports, product groups, mirror verdicts; summaries and reconciliations |
//! | [`logistics`] | network import and item edits, chains as plan indicators; routes, landed costs, localisation |

pub mod account;
pub mod actor;
pub mod directory;
pub mod error;
pub mod fleet;
pub mod instance;
pub mod logistics;
pub mod plan;
pub mod review;
pub mod trade;
pub mod use_case;

pub use actor::Actor;
pub use error::{Error, Result, Rule, RuleKind};
pub use use_case::UseCase;

use accord_store::Store;

/// The application: a cheap handle every door holds (it clones the store's handle).
#[derive(Clone)]
pub struct App {
    store: Store,
    /// The sign-in throttle's state, shared by the clones of one App (one per server).
    guard: std::sync::Arc<account::SignInGuard>,
    /// Whether the demo accounts' published passwords are accepted (a server run with `--demo`
    /// on a store holding the demo).
    demo_accounts: bool,
}

impl App {
    pub fn new(store: Store) -> App {
        App { store, guard: Default::default(), demo_accounts: false }
    }

    /// The same application with the demo accounts' published passwords accepted or not.
    pub fn with_demo_accounts(mut self, accepted: bool) -> App {
        self.demo_accounts = accepted;
        self
    }

    /// Whether the demo accounts' published passwords are accepted.
    pub fn demo_accounts(&self) -> bool {
        self.demo_accounts
    }

    /// The store, for the reads that every signed-in role may make (lists, pages, figures).
    /// Writes need an `accord_store::Author`, which only this crate makes from an [`Actor`].
    pub fn store(&self) -> &Store {
        &self.store
    }
}
