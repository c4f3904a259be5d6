//! Backups of a live store and their restores, on both backends and across them.

use crate::on_both_backends;
use crate::support::{Who, World, measure_form};
use accord_app::{Actor, App, Error};
use accord_store::testing::{TestBackend, TestStore};
use accord_store::{Cell, Store};

on_both_backends!(
    a_backup_restores_to_the_same_rows_files_and_audit_chain,
    a_backup_taken_while_people_write_is_consistent,
    a_damaged_or_foreign_archive_restores_nothing,
);

/// Every table's rows, for comparing two stores.
async fn contents(store: &Store) -> Vec<(String, Vec<Vec<Cell>>)> {
    let tables = std::cell::RefCell::new(Vec::<(String, Vec<Vec<Cell>>)>::new());
    store
        .backup_read(
            |name, _| {
                tables.borrow_mut().push((name.to_string(), Vec::new()));
                Ok(())
            },
            |row| {
                if let Some((_, rows)) = tables.borrow_mut().last_mut() {
                    rows.push(row.to_vec());
                }
                Ok(())
            },
        )
        .await
        .expect("read");
    let mut tables = tables.into_inner();
    for (_, rows) in &mut tables {
        rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    }
    tables
}

async fn world_with_a_file(app: App) -> World {
    let world = World::new(app, false).await;
    let by = world.actor(Who::CoordinatorBy);
    world.app.attachment_add(&by, world.joint.id, "протокол.pdf", b"%PDF-1.7 protocol").await.expect("attached");
    world
}

async fn restore_into(
    backend: TestBackend,
    archive: &std::path::Path,
) -> Option<(TestStore, Result<accord_app::instance::RestoreReport, Error>)> {
    let target = TestStore::new(backend).await?;
    let app = App::new(target.store.clone());
    let report = app.restore(&Actor::operator(), archive).await;
    Some((target, report))
}

async fn a_backup_restores_to_the_same_rows_files_and_audit_chain(app: App) {
    let world = world_with_a_file(app).await;
    let dir = tempfile::tempdir().expect("temp");
    let archive = dir.path().join("accord.backup");
    let observer = world.actor(Who::Observer);
    assert!(matches!(world.app.backup(&observer, &archive).await, Err(Error::Forbidden(_))), "an operator's act");
    let report = world.app.backup(&Actor::operator(), &archive).await.expect("backup");
    assert!(archive.exists() && !archive.with_extension("partial").exists());
    assert_eq!(report.manifest.files.len(), 1);
    let source = contents(world.store()).await;

    // Back on the same backend, and on the other one (SQLite ↔ PostgreSQL) when it is here.
    let here = world.store().backend();
    for backend in [TestBackend::Sqlite, TestBackend::Postgres] {
        let Some((target, restored)) = restore_into(backend, &archive).await else { continue };
        let restored = restored.unwrap_or_else(|e| panic!("restore from {here:?} into {backend:?}: {e}"));
        assert!(restored.audit_entries > 10, "the chain was verified");
        assert_eq!(contents(&target.store).await, source, "every row as it was ({here:?} into {backend:?})");
        let files = target.store.attachments_of(world.joint.id).await.expect("attachments");
        let bytes = target.store.attachment_bytes(&files[0]).await.expect("the file came back");
        assert_eq!(bytes, b"%PDF-1.7 protocol");
        // A second restore into the now filled store is refused and changes nothing.
        let again = App::new(target.store.clone()).restore(&Actor::operator(), &archive).await;
        assert!(matches!(again, Err(Error::Refused(ref r)) if r.code == "store_not_empty"), "{again:?}");
        target.cleanup().await;
    }
}

async fn a_backup_taken_while_people_write_is_consistent(app: App) {
    let world = world_with_a_file(app).await;
    let dir = tempfile::tempdir().expect("temp");
    let writer = {
        let (app, by, plan) = (world.app.clone(), world.actor(Who::CoordinatorBy), world.plan.clone());
        let executors = world.by_only.data.executors.clone();
        tokio::spawn(async move {
            for n in 0..40 {
                let form = measure_form(&format!("{}.", 200 + n), "Мероприятие, добавленное во время копирования");
                app.measure_create(&by, &plan, &form, executors.clone()).await.expect("created");
            }
        })
    };
    let mut archives = Vec::new();
    for n in 0..4 {
        let archive = dir.path().join(format!("b{n}.backup"));
        world.app.backup(&Actor::operator(), &archive).await.expect("backup");
        archives.push(archive);
    }
    writer.await.expect("writer");
    for archive in &archives {
        let Some((target, restored)) = restore_into(TestBackend::Sqlite, archive).await else { continue };
        let restored = restored.expect("each copy restores with an intact chain");
        // Measures and their audit entries were written together: the copy holds as many
        // measures as measure creations in its audit log.
        let plan = target.store.plan(world.plan.id).await.expect("plan");
        let measures = target.store.measures_of_plan(plan.id).await.expect("measures").len() as i64;
        let created = target
            .store
            .audit_list(
                &accord_store::AuditFilter { entity: Some("measure".into()), ..Default::default() },
                accord_store::Paging { page: 1, per_page: 200 },
            )
            .await
            .expect("audit")
            .items
            .iter()
            .filter(|e| e.operation == accord_domain::audit::Operation::Create)
            .count() as i64;
        assert_eq!(measures, created, "a consistent moment");
        assert_eq!(restored.manifest.audit_seq as u64, restored.audit_entries);
        target.cleanup().await;
    }
}

async fn a_damaged_or_foreign_archive_restores_nothing(app: App) {
    let world = world_with_a_file(app).await;
    let dir = tempfile::tempdir().expect("temp");
    let archive = dir.path().join("accord.backup");
    world.app.backup(&Actor::operator(), &archive).await.expect("backup");
    let mut bytes = std::fs::read(&archive).expect("archive");
    // A byte inside the audit log's data (just after its part's local header and name).
    let name = b"tables/audit_log.jsonl";
    let at = bytes.windows(name.len()).position(|w| w == name).expect("the audit log's part") + name.len() + 24;
    bytes[at] ^= 0xff;
    let damaged = dir.path().join("damaged.backup");
    std::fs::write(&damaged, &bytes).expect("write");
    let foreign = dir.path().join("foreign.backup");
    std::fs::write(&foreign, b"PK\x03\x04 not really").expect("write");
    for archive in [&damaged, &foreign] {
        let Some((target, restored)) = restore_into(TestBackend::Sqlite, archive).await else { continue };
        assert!(matches!(restored, Err(Error::Refused(ref r)) if r.code == "backup_invalid"), "{restored:?}");
        assert!(target.store.is_blank().await.expect("blank"), "nothing was written");
        target.cleanup().await;
    }
}
