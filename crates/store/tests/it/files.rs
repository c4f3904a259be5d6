//! Uploaded files are content-addressed blobs: removing the last record of a blob must never
//! remove a file that an identical upload, racing it, has just referenced.

use super::{ADMIN, measure, plan_with_orgs, run};
use accord_domain::Side;
use accord_domain::plan::Executor;
use accord_store::Store;

macro_rules! on_both_backends_here {
    ($($story:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Sqlite, super::$story).await;
            }
        )*}
        mod postgres {$(
            #[tokio::test]
            async fn $story() {
                super::run(accord_store::testing::TestBackend::Postgres, super::$story).await;
            }
        )*}
    };
}

on_both_backends_here!(
    a_release_between_an_uploads_two_steps_keeps_the_file,
    releases_and_uploads_in_parallel_keep_files
);

async fn two_measures(store: &Store) -> (accord_domain::MeasureId, accord_domain::MeasureId) {
    let (plan, maz, _) = plan_with_orgs(store).await;
    let by = Executor { organisation: maz, side: Side::By, lead: true };
    let measures = vec![
        measure("1.", "trade", "Поставки", "2025 г.", "in-progress", vec![by.clone()], ""),
        measure("2.", "trade", "Ярмарка", "2026 г.", "in-progress", vec![by], ""),
    ];
    store.measures_import(ADMIN, plan.id, &measures).await.expect("import");
    let all = store.measures_of_plan(plan.id).await.expect("measures");
    (all[0].id, all[1].id)
}

/// The interleaving that lost files: upload B writes the blob (already there: A has it), A's
/// record is deleted and the blob released (no record refers to it yet), then B's record is
/// committed. B's record must still find its bytes. B runs as a second process would (its own
/// write lock), so only the database and the files serialise the two.
async fn a_release_between_an_uploads_two_steps_keeps_the_file(store: Store) {
    let (first, second) = two_measures(&store).await;
    let bytes = b"%PDF-1.7 the same protocol twice";
    let a = store.attachment_add(ADMIN, first, "a.pdf", "application/pdf", bytes).await.expect("a");
    let other = store.testing_another_process();
    let sha = other.testing_blob_write(bytes).await.expect("upload B, step 1");
    assert_eq!(sha, a.sha256);
    store.attachment_delete(ADMIN, &a.id).await.expect("delete A");
    let b = other.testing_attachment_record(ADMIN, second, "b.pdf", "application/pdf", bytes).await.expect("B");
    assert_eq!(store.attachment_bytes(&b).await.expect("B's bytes are there"), bytes);
    // And the last release still removes the file.
    store.attachment_delete(ADMIN, &b.id).await.expect("delete B");
    assert!(store.attachment_bytes(&b).await.is_err(), "an unreferenced blob is removed");
}

/// Many identical uploads and deletes at once, from two "processes": every record that
/// remains can read its bytes.
async fn releases_and_uploads_in_parallel_keep_files(store: Store) {
    let (first, second) = two_measures(&store).await;
    let bytes: &'static [u8] = b"the same bytes from everybody";
    let other = store.testing_another_process();
    for round in 0..8 {
        let seed = store.attachment_add(ADMIN, first, "seed", "text/plain", bytes).await.expect("seed");
        let (s1, s2) = (store.clone(), other.clone());
        let deleting = tokio::spawn(async move { s1.attachment_delete(ADMIN, &seed.id).await });
        let uploading =
            tokio::spawn(async move { s2.attachment_add(ADMIN, second, "racer", "text/plain", bytes).await });
        deleting.await.expect("join").expect("delete");
        let racer = uploading.await.expect("join").expect("upload");
        assert_eq!(store.attachment_bytes(&racer).await.unwrap_or_default(), bytes, "round {round}");
        store.attachment_delete(ADMIN, &racer.id).await.expect("clean up");
    }
}
