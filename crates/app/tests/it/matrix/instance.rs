//! The instance's rows of the matrix: loading demonstration history (the seeder) is an
//! administrator's act, like a backup or a restore, whatever the role's side.

use super::{A, F, Outcome, Row, outcome};
use crate::support::{Who, World};
use accord_app::UseCase;

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        UseCase::DemoLoad => [A, F, F, F, F, F],
        other => panic!("{other:?} is not an instance use case"),
    }
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let actor = world.actor(who);
    match use_case {
        // The seeder, and one of its writes: an instance fact nobody reads.
        UseCase::DemoLoad => {
            let result = match world.app.seeder(&actor) {
                Ok(seeder) => seeder.fact("matrix.probe", &format!("{who:?}")).await,
                Err(e) => Err(e),
            };
            outcome(use_case, who, result)
        }
        other => panic!("{other:?} is not an instance use case"),
    }
}
