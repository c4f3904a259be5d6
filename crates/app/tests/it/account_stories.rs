//! Accounts at the application layer, on both backends: a user's change is checked whole and
//! written once, reads of the log and of the users are authorised, one's own language is a
//! versioned, audited change, and signing in refuses without telling why.

use crate::directory_stories::audit_entries;
use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::account::{LocaleInput, PasswordChange, TokenInput, UserInput, secret_hash};
use accord_app::{Actor, App, Error};
use accord_domain::Side;
use accord_domain::directory::{Locale, Role};
use accord_domain::validation::Reason;
use accord_store::{AuditFilter, Paging};

on_both_backends!(
    a_role_change_with_a_short_password_writes_nothing,
    a_refused_user_names_every_bad_field,
    reads_of_the_log_and_the_users_are_authorised,
    ones_own_language_is_a_versioned_audited_change,
    signing_in_and_out,
    the_operator_and_other_users_accounts,
);

fn ttl() -> chrono::Duration {
    chrono::Duration::hours(1)
}

async fn a_role_change_with_a_short_password_writes_nothing(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let admin = world.actor(Who::Admin);
    let before = world.store().user_by_login("exec.maz").await.expect("user");
    let entries = audit_entries(world.store()).await;
    let mut input = app.user_input_of(&admin, "exec.maz").await.expect("form");
    input.role = "observer".into();
    input.organisation = None;
    input.password = Some("short".into());
    match app.user_change(&admin, "exec.maz", &input).await {
        Err(Error::Invalid(invalid)) => assert_eq!(invalid.reason_for("password"), Some(Reason::TooShort)),
        other => panic!("a short password is refused, got {other:?}"),
    }
    let after = world.store().user_by_login("exec.maz").await.expect("user");
    assert_eq!(after, before, "neither the role nor anything else changed");
    assert_eq!(audit_entries(world.store()).await, entries, "nothing written");

    // With a long enough password the role and the password change together: one entry.
    input.password = Some("a-new-password".into());
    let changed = app.user_change(&admin, "exec.maz", &input).await.expect("changed");
    assert_eq!((changed.role, changed.version), (Role::Observer { side: Some(Side::By) }, before.version + 1));
    assert_eq!(audit_entries(world.store()).await, entries + 1);
    let history = app.audit_history(&admin, "user", &before.id.to_string()).await.expect("history");
    let last = history.last().expect("an entry");
    assert_eq!(last.reason.as_deref(), Some("password changed"));
    assert!(!last.after.as_deref().unwrap_or_default().contains("argon2"), "no hash in the log");
    assert!(app.sign_in("exec.maz", "a-new-password", ttl()).await.expect("sign in").is_some());
    // The form's version is now old: saving it again is a conflict, not an overwrite.
    assert!(matches!(app.user_change(&admin, "exec.maz", &input).await, Err(Error::Stale { .. })));
    let without = UserInput { version: None, ..input };
    assert!(
        matches!(app.user_change(&admin, "exec.maz", &without).await, Err(Error::Invalid(i)) if i.reason_for("version") == Some(Reason::Required))
    );
}

async fn a_refused_user_names_every_bad_field(app: App) {
    let world = World::new(app, false).await;
    let input = UserInput {
        login: "x".into(),
        display_name: "Кто-то".into(),
        password: Some("123".into()),
        role: "wizard".into(),
        locale: Some("de".into()),
        ..Default::default()
    };
    let Err(Error::Invalid(invalid)) = world.app.user_create(&world.actor(Who::Admin), &input).await else {
        panic!("refused");
    };
    for field in ["login", "password", "role", "locale"] {
        assert!(invalid.reason_for(field).is_some(), "{field} named: {invalid:?}");
    }
    // A coordinator is refused before the input is looked at.
    let refused = world.app.user_create(&world.actor(Who::CoordinatorBy), &input).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
}

async fn reads_of_the_log_and_the_users_are_authorised(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let filter = AuditFilter::default();
    for who in [Who::Admin, Who::CoordinatorBy, Who::CoordinatorKhv] {
        let actor = world.actor(who);
        assert!(app.audit_list(&actor, &filter, Paging::default()).await.expect("list").total > 0);
        assert!(app.audit_verify(&actor).await.expect("verify").first_break.is_none());
        assert!(
            !app.audit_history(&actor, "organisation", &world.maz.id.to_string()).await.expect("history").is_empty()
        );
    }
    for who in [Who::ExecutorOfRecord, Who::ExecutorOther, Who::Observer] {
        let actor = world.actor(who);
        assert!(matches!(app.audit_list(&actor, &filter, Paging::default()).await, Err(Error::Forbidden(_))));
        assert!(matches!(app.audit_verify(&actor).await, Err(Error::Forbidden(_))));
        assert!(matches!(
            app.audit_history(&actor, "organisation", &world.maz.id.to_string()).await,
            Err(Error::Forbidden(_))
        ));
    }
    assert_eq!(app.user_list(&world.actor(Who::Admin)).await.expect("users").len(), 6);
    assert!(app.user_list(&Actor::operator()).await.is_ok(), "the operator at the shell lists users");
    for who in [Who::CoordinatorBy, Who::CoordinatorKhv, Who::ExecutorOfRecord, Who::Observer] {
        assert!(matches!(app.user_list(&world.actor(who)).await, Err(Error::Forbidden(_))), "{who:?}");
        assert!(matches!(app.user_input_of(&world.actor(who), "admin").await, Err(Error::Forbidden(_))), "{who:?}");
    }
}

async fn ones_own_language_is_a_versioned_audited_change(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let admin = world.actor(Who::Admin);
    let form = app.user_input_of(&admin, "coord.by").await.expect("form opened by the admin");
    let entries = audit_entries(world.store()).await;
    let coord = world.actor(Who::CoordinatorBy);
    let changed = app.own_locale_change(&coord, &LocaleInput { locale: "en".into() }).await.expect("changed");
    assert_eq!((changed.locale, changed.version), (Locale::En, form.version.expect("version") + 1));
    assert_eq!(audit_entries(world.store()).await, entries + 1, "audited");
    // The same language again writes nothing.
    app.own_locale_change(&coord, &LocaleInput { locale: "en-GB".into() }).await.expect("unchanged");
    assert_eq!(audit_entries(world.store()).await, entries + 1);
    // The admin's form, opened before, no longer overwrites the user's choice.
    assert!(matches!(app.user_change(&admin, "coord.by", &form).await, Err(Error::Stale { .. })));
    let unknown = app.own_locale_change(&coord, &LocaleInput { locale: "de".into() }).await;
    assert!(matches!(unknown, Err(Error::Invalid(i)) if i.reason_for("locale") == Some(Reason::UnknownValue)));
}

async fn signing_in_and_out(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let input = UserInput {
        login: "Petrov".into(),
        display_name: "Петров П. П.".into(),
        password: Some("a-long-password".into()),
        role: "executor".into(),
        organisation: Some("maz".into()),
        ..Default::default()
    };
    let user = app.user_create(&Actor::operator(), &input).await.expect("created");
    assert_eq!(user.login.as_str(), "petrov");
    assert!(app.sign_in("petrov", "wrong-password", ttl()).await.expect("answer").is_none());
    assert!(app.sign_in("nobody", "a-long-password", ttl()).await.expect("answer").is_none());
    let signed = app.sign_in(" PETROV ", "a-long-password", ttl()).await.expect("answer").expect("signed in");
    let hash = secret_hash(&signed.token);
    assert_eq!(world.store().session_user(&hash).await.expect("session").map(|s| s.user.id), Some(user.id));
    app.sign_out(&hash).await.expect("signed out");
    assert!(world.store().session_user(&hash).await.expect("session").is_none());

    // A new password ends every session; a disabled account signs in nowhere.
    let again = app.sign_in("petrov", "a-long-password", ttl()).await.expect("answer").expect("signed in");
    let own = Actor::user(world.store().user(user.id).await.expect("user"));
    let wrong = PasswordChange { current: "not-it".into(), new_password: "another-password".into() };
    assert!(
        matches!(app.own_password_change(&own, &wrong).await, Err(Error::Refused(r)) if r.field == Some("current"))
    );
    let short = PasswordChange { current: "a-long-password".into(), new_password: "short".into() };
    assert!(matches!(app.own_password_change(&own, &short).await, Err(Error::Invalid(_))));
    let good = PasswordChange { current: "a-long-password".into(), new_password: "another-password".into() };
    app.own_password_change(&own, &good).await.expect("changed");
    assert!(world.store().session_user(&secret_hash(&again.token)).await.expect("session").is_none());
    app.user_disable(&world.actor(Who::Admin), "petrov").await.expect("disabled");
    assert!(app.sign_in("petrov", "another-password", ttl()).await.expect("answer").is_none());
}

async fn the_operator_and_other_users_accounts(app: App) {
    let world = World::new(app, false).await;
    let app = &world.app;
    let operator = Actor::operator();
    let label = TokenInput { label: Some("1C".into()) };
    // The operator has no account of its own, but issues tokens to users.
    let change = PasswordChange { current: "x".into(), new_password: "long-enough".into() };
    assert!(matches!(app.own_password_change(&operator, &change).await, Err(Error::Forbidden(_))));
    assert!(matches!(app.token_create(&operator, None, &label).await, Err(Error::Forbidden(_))));
    let token = app.token_create(&operator, Some("exec.maz"), &label).await.expect("token");
    let user = world.store().token_user(&secret_hash(&token.secret)).await.expect("read").expect("live");
    assert_eq!(user.login.as_str(), "exec.maz");
    // Another user's tokens are refused before the login is looked up.
    let coord = world.actor(Who::CoordinatorBy);
    assert!(matches!(app.token_create(&coord, Some("no.such.user"), &label).await, Err(Error::Forbidden(_))));
    assert!(matches!(app.token_revoke(&coord, Some("exec.maz"), &token.id).await, Err(Error::Forbidden(_))));
    // An administrator does not lock themselves out, and nothing is written trying.
    let admin = world.actor(Who::Admin);
    let entries = audit_entries(world.store()).await;
    let refused = app.user_disable(&admin, "admin").await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.code == "self_lockout"), "{refused:?}");
    let mut form = app.user_input_of(&admin, "admin").await.expect("form");
    form.role = "observer".into();
    assert!(matches!(app.user_change(&admin, "admin", &form).await, Err(Error::Refused(_))));
    assert_eq!(audit_entries(world.store()).await, entries);
    // A disabled account gets no token.
    app.user_disable(&operator, "exec.belaz").await.expect("disabled");
    let refused = app.token_create(&operator, Some("exec.belaz"), &label).await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.code == "user_disabled"), "{refused:?}");
}
