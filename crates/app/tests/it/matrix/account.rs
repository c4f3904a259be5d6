//! The accounts' rows of the matrix. An administrator's acts (users) are tried on a fresh
//! account, an executor of MAZ. One's own acts (signing in and out, one's password and
//! language) are tried by a fresh account of each role, on itself. Tokens are made and revoked
//! for the account of MAZ's executor (the executor of the record's organisation), so that row
//! shows both the owner's right and an administrator's.

use super::{A, F, Outcome, Row, outcome};
use crate::support::{Who, World};
use accord_app::account::{LocaleInput, PasswordChange, TokenInput, UserInput, secret_hash};
use accord_app::{Actor, UseCase};
use accord_domain::directory::{Role, UserAccount};
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // Users are an administrator's.
        UseCase::UserCreate => [A, F, F, F, F, F],
        UseCase::UserChange => [A, F, F, F, F, F],
        UseCase::UserPasswordSet => [A, F, F, F, F, F],
        UseCase::UserDisable => [A, F, F, F, F, F],
        // One's own account: every role.
        UseCase::SignIn => [A, A, A, A, A, A],
        UseCase::SignOut => [A, A, A, A, A, A],
        UseCase::OwnPasswordChange => [A, A, A, A, A, A],
        UseCase::OwnLocaleChange => [A, A, A, A, A, A],
        // The tokens of MAZ's executor: theirs, and an administrator's.
        UseCase::TokenCreate => [A, F, F, A, F, F],
        UseCase::TokenRevoke => [A, F, F, A, F, F],
        other => panic!("{other:?} is not an account use case"),
    }
}

static NEXT: AtomicU32 = AtomicU32::new(1);

const PASSWORD: &str = "first-password";

/// The form of an account of `role` with a new login.
fn user_input(world: &World, role: Role) -> UserInput {
    let organisation = role.organisation().map(|id| {
        [&world.maz, &world.belaz, &world.fish, &world.khv_gov]
            .into_iter()
            .find(|o| o.id == id)
            .map(|o| o.data.code.to_string())
            .expect("an organisation of the world")
    });
    UserInput {
        login: format!("fresh-{}", NEXT.fetch_add(1, Ordering::Relaxed)),
        display_name: "Новый пользователь".into(),
        password: Some(PASSWORD.into()),
        role: role.kind().code().into(),
        side: role.side().map(|s| s.code().into()),
        organisation,
        ..Default::default()
    }
}

/// A new account with the role of `who`, made by the operator.
async fn fresh_account(world: &World, who: Who) -> UserAccount {
    let input = user_input(world, world.actor(who).role());
    world.app.user_create(&Actor::operator(), &input).await.expect("account")
}

/// A new executor of MAZ: what an administrator's acts are tried on.
async fn fresh_executor(world: &World) -> UserAccount {
    fresh_account(world, Who::ExecutorOfRecord).await
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let app = &world.app;
    let actor = world.actor(who);
    match use_case {
        UseCase::UserCreate => {
            let input = user_input(world, world.actor(Who::ExecutorOfRecord).role());
            outcome(use_case, who, app.user_create(&actor, &input).await)
        }
        UseCase::UserChange => {
            let user = fresh_executor(world).await;
            let mut input = app.user_input_of(&Actor::operator(), user.login.as_str()).await.expect("form");
            input.display_name = "Переименован".into();
            input.role = "observer".into();
            outcome(use_case, who, app.user_change(&actor, user.login.as_str(), &input).await)
        }
        UseCase::UserPasswordSet => {
            let user = fresh_executor(world).await;
            outcome(use_case, who, app.user_password_set(&actor, user.login.as_str(), "second-password").await)
        }
        UseCase::UserDisable => {
            let user = fresh_executor(world).await;
            outcome(use_case, who, app.user_disable(&actor, user.login.as_str()).await)
        }
        UseCase::SignIn => {
            let user = fresh_account(world, who).await;
            match app.sign_in(user.login.as_str(), PASSWORD, chrono::Duration::hours(1)).await {
                Ok(Some(_)) => A,
                Ok(None) => F,
                Err(e) => panic!("{use_case:?} as {who:?}: {e:?}"),
            }
        }
        UseCase::SignOut => {
            let user = fresh_account(world, who).await;
            let session = app.sign_in(user.login.as_str(), PASSWORD, chrono::Duration::hours(1)).await;
            let hash = secret_hash(&session.expect("sign in").expect("signed in").token);
            let result = app.sign_out(&hash).await;
            let ended = world.store().session_user(&hash).await.expect("session").is_none();
            assert!(ended || result.is_err(), "a sign-out ends the session");
            outcome(use_case, who, result)
        }
        UseCase::OwnPasswordChange => {
            let own = Actor::user(fresh_account(world, who).await);
            let input = PasswordChange { current: PASSWORD.into(), new_password: "second-password".into() };
            outcome(use_case, who, app.own_password_change(&own, &input).await)
        }
        UseCase::OwnLocaleChange => {
            let own = Actor::user(fresh_account(world, who).await);
            outcome(use_case, who, app.own_locale_change(&own, &LocaleInput { locale: "en".into() }).await)
        }
        UseCase::TokenCreate => {
            let input = TokenInput { label: Some("1C".into()), ..Default::default() };
            outcome(use_case, who, app.token_create(&actor, Some("exec.maz"), &input).await)
        }
        UseCase::TokenRevoke => {
            let input = TokenInput { label: Some("to revoke".into()), ..Default::default() };
            let token = app.token_create(&Actor::operator(), Some("exec.maz"), &input).await.expect("token");
            outcome(use_case, who, app.token_revoke(&actor, Some("exec.maz"), &token.id).await)
        }
        other => panic!("{other:?} is not an account use case"),
    }
}
