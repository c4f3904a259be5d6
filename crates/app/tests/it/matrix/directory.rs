//! The directory's rows of the matrix. The record is MAZ, an organisation of the Belarusian
//! side: the executor of the record's organisation is MAZ's, the other executor BelAZ's.
//! Every attempt acts on a fresh record (a new organisation, a new person of MAZ), except a
//! change of MAZ itself, made each time at the version MAZ then has.

use super::{A, F, Row, outcome};
use crate::support::{Who, World, organisation_form};
use accord_app::UseCase;
use accord_app::directory::{DeleteInput, OrganisationInput, PersonInput};
use accord_domain::Side;
use accord_domain::directory::Organisation;
use accord_store::PersonRow;
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // A new organisation of the Belarusian side: that side's coordinator, an admin.
        UseCase::OrganisationCreate => [A, A, F, F, F, F],
        // MAZ's details: its side's coordinator, its own executor, an admin.
        UseCase::OrganisationChange => [A, A, F, A, F, F],
        // An organisation of the Belarusian side nobody refers to: as creating one.
        UseCase::OrganisationDelete => [A, A, F, F, F, F],
        // MAZ's people: as MAZ's details.
        UseCase::PersonCreate => [A, A, F, A, F, F],
        UseCase::PersonChange => [A, A, F, A, F, F],
        UseCase::PersonDelete => [A, A, F, A, F, F],
        other => panic!("{other:?} is not a directory use case"),
    }
}

static NEXT: AtomicU32 = AtomicU32::new(1);

fn next() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn organisation_input(side: Side, code: &str) -> OrganisationInput {
    let form = organisation_form(side, code, &format!("Предприятие {code}"));
    OrganisationInput {
        side: form.side,
        code: form.code,
        kind: form.kind,
        name_full_ru: form.name_full_ru,
        name_short_ru: form.name_short_ru,
        ..Default::default()
    }
}

/// A new organisation of the Belarusian side that nothing refers to.
async fn fresh_organisation(world: &World) -> Organisation {
    let input = organisation_input(Side::By, &format!("BY-FRESH-{}", next()));
    world.app.organisation_create(&world.actor(Who::Admin), &input).await.expect("organisation")
}

fn person_input(world: &World) -> PersonInput {
    PersonInput {
        organisation_id: world.maz.id.to_string(),
        full_name_ru: format!("Иванов Иван {}", next()),
        position_ru: Some("инженер".into()),
        ..Default::default()
    }
}

/// A new person of MAZ.
async fn fresh_person(world: &World) -> PersonRow {
    world.app.person_create(&world.actor(Who::Admin), &person_input(world)).await.expect("person")
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> super::Outcome {
    let app = &world.app;
    let actor = world.actor(who);
    match use_case {
        UseCase::OrganisationCreate => {
            let input = organisation_input(Side::By, &format!("BY-NEW-{}", next()));
            outcome(use_case, who, app.organisation_create(&actor, &input).await)
        }
        UseCase::OrganisationChange => {
            let maz = world.store().organisation(world.maz.id).await.expect("MAZ");
            let input =
                OrganisationInput { phone: Some(format!("+375 222 {:06}", next())), ..OrganisationInput::of(&maz) };
            outcome(use_case, who, app.organisation_change(&actor, maz.id, &input).await)
        }
        UseCase::OrganisationDelete => {
            let org = fresh_organisation(world).await;
            let input = DeleteInput { version: Some(org.version), reason: Some("дубликат".into()) };
            outcome(use_case, who, app.organisation_delete(&actor, org.id, &input).await)
        }
        UseCase::PersonCreate => outcome(use_case, who, app.person_create(&actor, &person_input(world)).await),
        UseCase::PersonChange => {
            let row = fresh_person(world).await;
            let input = PersonInput {
                position_ru: Some("главный инженер".into()),
                version: Some(row.person.version),
                ..person_input(world)
            };
            outcome(use_case, who, app.person_change(&actor, row.person.id, &input).await)
        }
        UseCase::PersonDelete => {
            let row = fresh_person(world).await;
            let input = DeleteInput { version: Some(row.person.version), reason: None };
            outcome(use_case, who, app.person_delete(&actor, row.person.id, &input).await)
        }
        other => panic!("{other:?} is not a directory use case"),
    }
}
