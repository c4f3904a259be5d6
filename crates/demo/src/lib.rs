//! accord's demonstration data: the Mogilev Oblast – Khabarovsk Territory agreement's
//! directory, its 2025-2027 plan with indicators, trade both ways 2021-2026, the reference
//! logistics network, four quarters of review history and the service centre's fleet. Also the
//! scale generator (`scale`) for benchmarks. The UI marks an instance holding the demo.
//!
//! A crate of its own so that the library crates (domain, store, app, web) carry no
//! generators; it writes through the application layer's use cases like any other door.

pub mod directory;
pub mod fleet;
pub mod logistics;
pub mod plan;
pub mod review;
pub mod scale;
pub mod trade;

use accord_app::{Actor, App};
use accord_store::{Store, StoreError};

/// The instance fact that marks a store holding the demo.
pub const META_KEY: &str = accord_app::instance::DEMO_META_KEY;

/// The password of a demo user, printed for people trying accord out. Accepted only by a
/// server that runs the demo (`accord serve --demo`).
pub fn demo_password(login: &str) -> String {
    accord_domain::directory::sign_in::demo_password(login)
}

/// A demo login with its role, for printing.
pub struct DemoLogin {
    pub login: &'static str,
    pub password: String,
    pub role: &'static str,
}

pub fn demo_logins() -> Vec<DemoLogin> {
    use directory::USERS;
    USERS.iter().map(|(login, _, role, ..)| DemoLogin { login, password: demo_password(login), role }).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the store already holds data; use --force to add the demo data anyway")]
    NotEmpty,
    #[error(
        "the store has accounts of its own (e.g. {login}): the demo, whose accounts have published passwords, is not added to it"
    )]
    RealAccounts { login: String },
    #[error(transparent)]
    App(#[from] accord_app::Error),
}

impl From<StoreError> for DemoError {
    fn from(e: StoreError) -> Self {
        DemoError::App(e.into())
    }
}

/// What a load added (an item already present is left as it is).
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub organisations: usize,
    pub people: usize,
    pub users: usize,
    pub measures: usize,
    pub trade_records: usize,
    pub logistics_items: u64,
    pub chain_indicators: usize,
    pub review_periods: usize,
    pub machines: usize,
}

/// Loads the demo directory. Refuses a store with data unless `force`; with `force` adds
/// only what is missing, so it can be run again safely. Never goes into a store that has
/// accounts other than the demo's (the demo's accounts have published passwords, and the demo
/// acts through them): refused whole, nothing written.
pub async fn load(store: &Store, force: bool) -> Result<DemoSummary, DemoError> {
    if !force && !store.is_empty().await? {
        return Err(DemoError::NotEmpty);
    }
    if let Some(real) = store
        .user_list()
        .await?
        .into_iter()
        .find(|u| !accord_domain::directory::sign_in::DEMO_LOGINS.contains(&u.login.as_str()))
    {
        return Err(DemoError::RealAccounts { login: real.login.to_string() });
    }
    let app = App::new(store.clone());
    let operator = Actor::operator();
    let directory = directory::load(&app, &operator).await?;
    let mut summary = DemoSummary {
        organisations: directory.organisations,
        people: directory.people,
        users: directory.users,
        ..DemoSummary::default()
    };
    summary.measures = plan::load(store).await?;
    summary.trade_records = trade::load(store).await?;
    let logistics = logistics::load_reference(store).await?;
    summary.logistics_items = logistics.inserted + logistics.updated;
    summary.chain_indicators = logistics::load_demo(store).await?;
    summary.review_periods = review::load(store).await?;
    summary.machines = fleet::load(store).await?;
    app.seeder(&operator)?.fact(META_KEY, "1").await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use accord_domain::directory::sign_in::DEMO_LOGINS;

    #[test]
    fn every_demo_account_is_one_the_server_knows_as_the_demo_s() {
        for (login, ..) in crate::directory::USERS {
            assert!(DEMO_LOGINS.contains(login), "{login}");
        }
        for login in [crate::fleet::TECHNICIAN, crate::fleet::OWNER_USER] {
            assert!(DEMO_LOGINS.contains(&login), "{login}");
        }
    }
}
