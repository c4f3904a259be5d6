//! The permission matrix: every write use case of [`UseCase`] tried as each of the six roles,
//! on both backends, against the outcome written out by hand in each module's table.
//!
//! Each module's file holds its table (`expected`) and the scenario of each of its use cases
//! (`attempt`): what the actor tries, on a record made fresh for that attempt, so that one
//! role's attempt never changes what the next one meets. The scenarios are described beside
//! each entry of the table.

mod account;
mod directory;
mod fleet;
mod instance;
mod logistics;
mod plan;
mod review;
mod trade;

use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::{App, Error, UseCase};

/// What one role gets from one use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Allowed,
    /// Not done: the role may not (a 403 at the doors, exit 1 at the shell).
    Forbidden,
    /// Not done yet: an amendment waits for the other side's coordinator (a 202).
    Proposed,
}

use Outcome::{Allowed as A, Forbidden as F, Proposed as P};

/// The outcomes in the order of [`Who::ALL`]: admin, coordinator BY, coordinator KHV, executor of
/// the record's organisation, executor of another organisation, observer.
type Row = [Outcome; 6];

/// The expected outcome of every use case; `None` for a module without a table (a defect the
/// last test reports).
fn expected(use_case: UseCase) -> Option<Row> {
    match use_case.module() {
        "plan" => Some(plan::expected(use_case)),
        "review" => Some(review::expected(use_case)),
        "directory" => Some(directory::expected(use_case)),
        "account" => Some(account::expected(use_case)),
        "trade" => Some(trade::expected(use_case)),
        "logistics" => Some(logistics::expected(use_case)),
        "fleet" => Some(fleet::expected(use_case)),
        "instance" => Some(instance::expected(use_case)),
        _ => None,
    }
}

/// Classifies what a use case returned. A refusal other than "forbidden" means the scenario
/// itself is wrong for that role, which the test reports rather than hides.
pub fn outcome<T: std::fmt::Debug>(use_case: UseCase, who: Who, result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => A,
        Err(Error::Forbidden(_)) => F,
        // An import refused row by row because the rows are not the importer's to change.
        Err(Error::InvalidFile(problems))
            if !problems.is_empty()
                && problems.iter().all(|p| {
                    matches!(
                        p.reason.key.as_str(),
                        "problem-plan-row-not-yours"
                            | "problem-plan-row-needs-coordinator"
                            | "problem-plan-org-create-forbidden"
                    )
                }) =>
        {
            F
        }
        Err(other) => panic!("{use_case:?} as {who:?}: the scenario failed with {other:?}"),
    }
}

on_both_backends!(
    every_plan_use_case_as_every_role,
    every_review_use_case_as_every_role,
    every_directory_use_case_as_every_role,
    every_account_use_case_as_every_role,
    every_trade_use_case_as_every_role,
    every_logistics_use_case_as_every_role,
    every_fleet_use_case_as_every_role,
    the_service_centre_technician_does_every_fleet_use_case,
    every_instance_use_case_as_every_role,
    the_matrix_covers_every_use_case,
);

async fn every_plan_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "plan").await;
}

async fn every_review_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "review").await;
}

async fn every_directory_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "directory").await;
}

async fn every_account_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "account").await;
}

async fn every_trade_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "trade").await;
}

async fn every_logistics_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    world.load_logistics().await;
    run_module(&world, "logistics").await;
}

async fn every_fleet_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    world.fleet_setup().await;
    run_module(&world, "fleet").await;
}

async fn the_service_centre_technician_does_every_fleet_use_case(app: App) {
    let world = World::new(app, true).await;
    world.fleet_setup().await;
    fleet::the_technician_does_every_fleet_use_case(&world).await;
}

async fn every_instance_use_case_as_every_role(app: App) {
    let world = World::new(app, true).await;
    run_module(&world, "instance").await;
}

async fn run_module(world: &World, module: &str) {
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for use_case in UseCase::ALL.iter().copied().filter(|u| u.module() == module) {
        let row = expected(use_case).unwrap_or_else(|| panic!("{use_case:?} has no row in the matrix"));
        for (who, want) in Who::ALL.into_iter().zip(row) {
            let got = match module {
                "plan" => plan::attempt(world, use_case, who).await,
                "review" => review::attempt(world, use_case, who).await,
                "directory" => directory::attempt(world, use_case, who).await,
                "account" => account::attempt(world, use_case, who).await,
                "trade" => trade::attempt(world, use_case, who).await,
                "logistics" => logistics::attempt(world, use_case, who).await,
                "fleet" => fleet::attempt(world, use_case, who).await,
                "instance" => instance::attempt(world, use_case, who).await,
                other => panic!("no scenarios for module {other}"),
            };
            cells += 1;
            if got != want {
                mismatches.push(format!("{use_case:?} as {who:?}: expected {want:?}, got {got:?}"));
            }
        }
    }
    assert!(cells > 0, "module {module} has use cases");
    assert!(mismatches.is_empty(), "the permission matrix differs:\n{}", mismatches.join("\n"));
}

async fn the_matrix_covers_every_use_case(_app: App) {
    let missing: Vec<UseCase> = UseCase::ALL.iter().copied().filter(|u| expected(*u).is_none()).collect();
    assert!(missing.is_empty(), "use cases without a row in the matrix: {missing:?}");
}
