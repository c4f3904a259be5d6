//! In-memory copies of what nearly every page reads: the plans, sections, organisations, a
//! plan's measures (for the measures table, its filters and the overview), sessions and API
//! tokens.
//!
//! Every copy is labelled with the audit head it was read at. Every write appends to the audit
//! log and moves the head, so a copy whose label differs from the current head is stale. This
//! process learns its own writes at commit; writes by another process (a CLI import next to a
//! running server, a second server on the same PostgreSQL) are noticed by re-reading the head
//! at most `RECHECK` after the last look. Sessions are not audited, so a cached session is
//! also re-read after `RECHECK`: a sign-out on another server takes effect within that time.

use crate::plan::{MeasureFilter, MeasureSort};
use crate::session::SessionUser;
use crate::{Paging, Result, Store};
use accord_domain::directory::{Organisation, UserAccount};
use accord_domain::plan::progress::{ProgressItem, roll_up};
use accord_domain::plan::{Measure, Plan, Section, Status, is_overdue};
use accord_domain::{MachineId, MeasureId, PlanId, Side};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

/// How long the audit head read from the database is trusted before it is read again.
pub const RECHECK: Duration = Duration::from_millis(250);

/// Sessions and tokens kept at most; past it the map starts over (a re-read is cheap).
const MAX_CREDENTIALS: usize = 10_000;

/// Past this many machines touched, a write is recorded (and a refresh done) as touching the
/// whole fleet: re-reading everything is then about as quick as re-reading them one by one.
const TOUCHED_MACHINES_MAX: usize = 1_000;

/// What a write changed of the cached fleet (see `FleetSnapshot`, `FleetHistories`): nothing,
/// some machines' rows, or everything (the catalog, a bulk load).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum FleetTouch {
    #[default]
    Nothing,
    Machines(BTreeSet<MachineId>),
    Everything,
}

impl FleetTouch {
    pub(crate) fn machine(&mut self, machine: MachineId) {
        match self {
            FleetTouch::Nothing => *self = FleetTouch::Machines(BTreeSet::from([machine])),
            FleetTouch::Machines(ids) => {
                ids.insert(machine);
            }
            FleetTouch::Everything => {}
        }
    }
}

/// Records, inside the write's transaction, what it touched of the fleet under the audit
/// sequence number of its last entry. The head row's lock orders the numbers as the commits,
/// so a reader that saw head `H` finds every later touch as `seq > H`.
pub(crate) async fn record_fleet_touches(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    seq: i64,
    touch: &FleetTouch,
) -> Result<()> {
    let ids: Vec<String> = match touch {
        FleetTouch::Nothing => return Ok(()),
        FleetTouch::Machines(ids) if ids.len() <= TOUCHED_MACHINES_MAX => ids.iter().map(|m| m.to_string()).collect(),
        FleetTouch::Machines(_) | FleetTouch::Everything => vec!["*".to_string()],
    };
    for id in ids {
        sqlx::query("INSERT INTO fleet_touches (seq, machine_id) VALUES ($1, $2)")
            .bind(seq)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

type Slot<T> = Mutex<Option<(i64, Arc<T>)>>;

#[derive(Default)]
pub(crate) struct Caches {
    /// The last audit head seen (`i64::MIN` before the first look).
    head: AtomicI64,
    head_checked: Mutex<Option<Instant>>,
    plans: Slot<Vec<Plan>>,
    sections: Slot<Vec<Section>>,
    organisations: Slot<Vec<Organisation>>,
    trade: Slot<crate::trade::TradeData>,
    rates: Slot<accord_domain::trade::RateTable>,
    groups: Slot<Vec<crate::trade::StoredGroup>>,
    fleet: Slot<crate::fleet::FleetSnapshot>,
    fleet_histories: Slot<crate::fleet::FleetHistories>,
    snapshots: Mutex<HashMap<PlanId, Arc<PlanSnapshot>>>,
    /// Held while a cached value loads, so that requests arriving together after a write wait
    /// for one load instead of each reading the same rows.
    loading: tokio::sync::Mutex<()>,
    pub(crate) sessions: Recent<CachedSession>,
    pub(crate) tokens: Recent<CachedToken>,
}

#[derive(Clone)]
pub(crate) struct CachedSession {
    pub expires_at: DateTime<Utc>,
    pub session: SessionUser,
}

#[derive(Clone)]
pub(crate) struct CachedToken {
    pub token_id: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub user: UserAccount,
}

/// Credentials by the hash of their secret, each trusted for `RECHECK` after it was read and
/// only while the audit head has not moved (a disabled user, a revoked token).
pub(crate) struct Recent<V> {
    entries: Mutex<HashMap<String, (i64, Instant, V)>>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent { entries: Mutex::default() }
    }
}

impl<V: Clone> Recent<V> {
    /// The value kept for `key` and when it was read, if it is still to be trusted at `head`.
    pub(crate) fn get(&self, key: &str, head: i64) -> Option<(Instant, V)> {
        let entries = lock(&self.entries);
        let (at, read_at, value) = entries.get(key)?;
        (*at == head && read_at.elapsed() < RECHECK).then(|| (*read_at, value.clone()))
    }

    /// Keeps a value read at `head` at `read_at`.
    pub(crate) fn keep(&self, key: &str, head: i64, read_at: Instant, value: V) {
        let mut entries = lock(&self.entries);
        if entries.len() >= MAX_CREDENTIALS {
            entries.clear();
        }
        entries.insert(key.to_string(), (head, read_at, value));
    }

    pub(crate) fn forget(&self, key: &str) {
        lock(&self.entries).remove(key);
    }
}

/// Locks a std mutex; a panic elsewhere while holding it leaves only cache data behind, which
/// is safe to keep using.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Caches {
    pub(crate) fn new() -> Caches {
        Caches { head: AtomicI64::new(i64::MIN), ..Caches::default() }
    }

    /// Records a head this process has just committed (or read).
    pub(crate) fn note_head(&self, seq: i64) {
        self.head.fetch_max(seq, AtomicOrdering::AcqRel);
        *lock(&self.head_checked) = Some(Instant::now());
    }
}

impl Store {
    /// The audit head, read from the database at most every `RECHECK`.
    pub(crate) async fn head(&self) -> Result<i64> {
        let known = self.cache.head.load(AtomicOrdering::Acquire);
        let fresh = lock(&self.cache.head_checked).is_some_and(|at| at.elapsed() < RECHECK);
        if fresh && known != i64::MIN {
            return Ok(known);
        }
        let (seq,): (i64,) =
            sqlx::query_as("SELECT last_seq FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        self.cache.head.store(seq, AtomicOrdering::Release);
        *lock(&self.cache.head_checked) = Some(Instant::now());
        Ok(seq)
    }

    /// The value `current` finds for `head`, else `load`ed once: requests arriving together
    /// wait for the first one's load and then find its result.
    async fn load_once<T>(
        &self,
        current: impl Fn() -> Option<Arc<T>>,
        load: impl Future<Output = Result<Arc<T>>>,
        keep: impl FnOnce(Arc<T>),
    ) -> Result<Arc<T>> {
        if let Some(value) = current() {
            return Ok(value);
        }
        let _loading = self.cache.loading.lock().await;
        if let Some(value) = current() {
            return Ok(value);
        }
        let value = load.await?;
        keep(value.clone());
        Ok(value)
    }

    /// The value in `slot` if it was read at the current head, else `load`ed afresh.
    /// The head is read before the data, so a copy is never labelled newer than it is.
    async fn cached<T>(&self, slot: &Slot<T>, load: impl Future<Output = Result<T>>) -> Result<Arc<T>> {
        let head = self.head().await?;
        let current = || lock(slot).as_ref().filter(|(at, _)| *at == head).map(|(_, value)| value.clone());
        self.load_once(current, async { Ok(Arc::new(load.await?)) }, |value| *lock(slot) = Some((head, value))).await
    }

    /// The value in `slot` brought to the current head: kept as it is when no write since it
    /// was read touched the fleet, `refresh`ed for the machines touched, else `load`ed afresh.
    async fn cached_fleet_part<T, Load, Refresh>(
        &self,
        slot: &Slot<T>,
        load: impl FnOnce() -> Load,
        refresh: impl FnOnce(Arc<T>, Vec<MachineId>) -> Refresh,
    ) -> Result<Arc<T>>
    where
        Load: Future<Output = Result<T>>,
        Refresh: Future<Output = Result<T>>,
    {
        let head = self.head().await?;
        let current = || lock(slot).as_ref().filter(|(at, _)| *at == head).map(|(_, value)| value.clone());
        let bring_up = async {
            let base = lock(slot).clone();
            let touched = match &base {
                Some((at, _)) => self.fleet_touched_since(*at).await?,
                None => FleetTouch::Everything,
            };
            match (base, touched) {
                (Some((_, old)), FleetTouch::Nothing) => Ok(old),
                (Some((_, old)), FleetTouch::Machines(ids)) => {
                    Ok(Arc::new(refresh(old, ids.into_iter().collect()).await?))
                }
                _ => Ok(Arc::new(load().await?)),
            }
        };
        self.load_once(current, bring_up, |value| *lock(slot) = Some((head, value))).await
    }

    /// What the writes committed after audit head `at` touched of the fleet.
    async fn fleet_touched_since(&self, at: i64) -> Result<FleetTouch> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT machine_id FROM fleet_touches WHERE seq > $1")
            .bind(at)
            .fetch_all(&self.pool)
            .await?;
        let mut touch = FleetTouch::Nothing;
        for (id,) in rows {
            match MachineId::from_str(&id) {
                Ok(machine) => touch.machine(machine),
                // `*` (and anything not a machine id) stands for the whole fleet.
                Err(_) => return Ok(FleetTouch::Everything),
            }
        }
        if let FleetTouch::Machines(ids) = &touch
            && ids.len() > TOUCHED_MACHINES_MAX
        {
            return Ok(FleetTouch::Everything);
        }
        Ok(touch)
    }

    pub(crate) async fn cached_plans(&self) -> Result<Arc<Vec<Plan>>> {
        self.cached(&self.cache.plans, self.plans_from_db()).await
    }

    pub(crate) async fn cached_sections(&self) -> Result<Arc<Vec<Section>>> {
        self.cached(&self.cache.sections, self.sections_from_db()).await
    }

    pub(crate) async fn cached_organisations(&self) -> Result<Arc<Vec<Organisation>>> {
        self.cached(&self.cache.organisations, self.organisations_from_db()).await
    }

    pub(crate) async fn cached_trade(&self) -> Result<Arc<crate::trade::TradeData>> {
        self.cached(&self.cache.trade, self.trade_data_from_db()).await
    }

    pub(crate) async fn cached_rates(&self) -> Result<Arc<accord_domain::trade::RateTable>> {
        self.cached(&self.cache.rates, self.rates_from_db()).await
    }

    pub(crate) async fn cached_groups(&self) -> Result<Arc<Vec<crate::trade::StoredGroup>>> {
        self.cached(&self.cache.groups, self.groups_from_db()).await
    }

    pub(crate) async fn cached_fleet(&self) -> Result<Arc<crate::fleet::FleetSnapshot>> {
        self.cached_fleet_part(
            &self.cache.fleet,
            || self.fleet_snapshot_from_db(),
            |old, ids| async move { self.fleet_snapshot_refreshed(&old, &ids).await },
        )
        .await
    }

    pub(crate) async fn cached_fleet_histories(&self) -> Result<Arc<crate::fleet::FleetHistories>> {
        self.cached_fleet_part(
            &self.cache.fleet_histories,
            || self.fleet_histories_from_db(),
            |old, ids| async move { self.fleet_histories_refreshed(&old, &ids).await },
        )
        .await
    }

    /// Every measure of a plan with what the table filters on, read at the current head.
    pub(crate) async fn snapshot(&self, plan: PlanId) -> Result<Arc<PlanSnapshot>> {
        let head = self.head().await?;
        let current = || lock(&self.cache.snapshots).get(&plan).filter(|s| s.head == head).cloned();
        let load = async {
            let rows = self.snapshot_rows(plan).await?;
            // Read directly: `plan()` goes through the plans cache, whose load would wait on the
            // loading lock this load holds.
            let (start, end): (String, String) =
                sqlx::query_as("SELECT period_start, period_end FROM plans WHERE id = $1")
                    .bind(plan.to_string())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(crate::StoreError::NotFound { entity: "plan" })?;
            let day =
                |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(crate::corrupt("plan period"));
            let overdue = OverdueInput {
                plan_start: day(&start)?,
                plan_end: day(&end)?,
                handed_in: self.review_handed_in().await?,
            };
            Ok(Arc::new(PlanSnapshot::new(head, rows, overdue)))
        };
        self.load_once(current, load, |snapshot| {
            lock(&self.cache.snapshots).insert(plan, snapshot);
        })
        .await
    }
}

/// A measure with the stored columns the table filters and sorts on.
pub(crate) struct SnapshotRow {
    pub measure: Measure,
    pub sort_key: String,
    /// Folded search text: the measure's own text and its executors' names.
    pub search: String,
    pub due_date: Option<String>,
    /// The last due date, `9999-12-31` for open-ended terms.
    pub due_sort: Option<String>,
}

/// What the cheap filters look at, packed small so a scan of every measure stays in cache.
#[derive(Clone, Copy)]
struct RowKeys {
    /// Index into `PlanSnapshot::sections`.
    section: u16,
    status: Status,
    /// Bit 0: an executor on the Belarusian side; bit 1: on the Khabarovsk side.
    sides: u8,
    due_sort: Option<chrono::NaiveDate>,
    /// A recurring term's period: due at the end of each one, not only at the plan's end.
    every: Option<accord_domain::plan::term::Every>,
}

fn side_bit(side: Side) -> u8 {
    match side {
        Side::By => 1,
        Side::Khv => 2,
    }
}

/// What the "overdue" filter decides by besides the day: the plan's period and the reports
/// handed in (see `accord_domain::plan::is_overdue`).
pub(crate) struct OverdueInput {
    pub plan_start: chrono::NaiveDate,
    pub plan_end: chrono::NaiveDate,
    pub handed_in: accord_domain::plan::HandedIn,
}

/// A plan's measures in number order, with the table's other orders precomputed.
pub(crate) struct PlanSnapshot {
    head: i64,
    overdue: OverdueInput,
    rows: Vec<SnapshotRow>,
    keys: Vec<RowKeys>,
    /// The section codes in use; `RowKeys::section` points here.
    sections: Vec<String>,
    by_term_ascending: Vec<u32>,
    by_term_descending: Vec<u32>,
    by_status: Vec<u32>,
    /// Tags in use with their counts, in alphabetical order.
    tags: Vec<(String, i64)>,
    /// Percent done with sub-measures rolled up (see `domain::plan::progress`); cancelled
    /// measures have none.
    progress: HashMap<MeasureId, f64>,
}

impl PlanSnapshot {
    fn new(head: i64, mut rows: Vec<SnapshotRow>, overdue: OverdueInput) -> PlanSnapshot {
        rows.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        let indices = || (0..rows.len() as u32).collect::<Vec<u32>>();
        // Open-ended terms come last in both directions; ties keep number order.
        let term_order = |descending: bool| {
            let mut order = indices();
            order.sort_by(|&a, &b| {
                let (a, b) = (&rows[a as usize], &rows[b as usize]);
                let dated = a.due_date.is_none().cmp(&b.due_date.is_none());
                let due = if descending { b.due_date.cmp(&a.due_date) } else { a.due_date.cmp(&b.due_date) };
                dated.then(due).then_with(|| a.sort_key.cmp(&b.sort_key))
            });
            order
        };
        let by_term_ascending = term_order(false);
        let by_term_descending = term_order(true);
        let mut by_status = indices();
        by_status.sort_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            a.measure.data.status.code().cmp(b.measure.data.status.code()).then_with(|| a.sort_key.cmp(&b.sort_key))
        });
        let mut counts: HashMap<&str, i64> = HashMap::new();
        for row in &rows {
            for tag in &row.measure.data.tags {
                *counts.entry(tag.as_str()).or_default() += 1;
            }
        }
        let mut tags: Vec<(String, i64)> = counts.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
        tags.sort();
        let mut sections: Vec<String> = Vec::new();
        let keys = rows
            .iter()
            .map(|row| {
                let data = &row.measure.data;
                let section = match sections.iter().position(|s| *s == data.section) {
                    Some(i) => i,
                    None => {
                        sections.push(data.section.clone());
                        sections.len() - 1
                    }
                };
                RowKeys {
                    section: u16::try_from(section).unwrap_or(u16::MAX),
                    status: data.status,
                    sides: data.executors.iter().fold(0, |bits, e| bits | side_bit(e.side)),
                    due_sort: row.due_sort.as_deref().and_then(|d| d.parse().ok()),
                    every: match data.term.schedule {
                        accord_domain::plan::term::Schedule::Recurring { every } => Some(every),
                        _ => None,
                    },
                }
            })
            .collect();
        let items: Vec<ProgressItem> = rows
            .iter()
            .map(|r| ProgressItem {
                number: r.measure.data.number.clone(),
                status: r.measure.data.status,
                percent: r.measure.data.percent,
                weight: r.measure.data.weight,
            })
            .collect();
        let mut rolled = roll_up(&items);
        let progress =
            rows.iter().filter_map(|r| rolled.remove(&r.measure.data.number).map(|p| (r.measure.id, p))).collect();
        PlanSnapshot {
            head,
            overdue,
            rows,
            keys,
            sections,
            by_term_ascending,
            by_term_descending,
            by_status,
            tags,
            progress,
        }
    }

    pub(crate) fn measures(&self) -> impl Iterator<Item = &Measure> {
        self.rows.iter().map(|r| &r.measure)
    }

    pub(crate) fn tags(&self) -> &[(String, i64)] {
        &self.tags
    }

    pub(crate) fn progress(&self, measure: MeasureId) -> Option<f64> {
        self.progress.get(&measure).copied()
    }

    /// The measures passing `filter` in its order: how many in all, and one page of them.
    pub(crate) fn select(&self, filter: &MeasureFilter, paging: Paging) -> (i64, Vec<Measure>) {
        let query = filter.query.as_deref().map(|q| accord_domain::text::fold(q.trim())).filter(|q| !q.is_empty());
        let tag = filter.tag.as_deref().map(str::to_lowercase);
        // A section no measure is in matches nothing: u16::MAX is no row's section.
        let section = filter
            .section
            .as_deref()
            .map(|code| self.sections.iter().position(|s| s == code).map_or(u16::MAX, |i| i as u16));
        let side = filter.side.map(side_bit);
        let due = filter.due.map(|q| (q.first_day(), q.last_day()));
        let overdue_before = filter.today.filter(|_| filter.overdue);
        let cheap = |keys: &RowKeys| {
            section.is_none_or(|s| keys.section == s)
                && side.is_none_or(|bit| keys.sides & bit != 0)
                && filter.status.is_none_or(|status| keys.status == status)
                && due.is_none_or(|(start, end)| match keys.every {
                    // Due in every period it recurs in, until the plan's end (its last due day).
                    Some(every) => every.ends_within(start, end) && keys.due_sort.is_some_and(|d| d >= start),
                    None => keys.due_sort.is_some_and(|d| d >= start && d <= end),
                })
                && overdue_before.is_none_or(|today| {
                    // A recurring measure's overdue depends on its reports: decided with the rest.
                    keys.every.is_some() || (keys.due_sort.is_some_and(|d| d < today) && !keys.status.is_closed())
                })
        };
        let costly = |row: &SnapshotRow| {
            let data = &row.measure.data;
            let o = &self.overdue;
            overdue_before.is_none_or(|today| {
                is_overdue(row.measure.id, data.status, &data.term, today, o.plan_start, o.plan_end, &o.handed_in)
            }) && query.as_deref().is_none_or(|q| row.search.contains(q))
                && filter.executor.is_none_or(|org| data.executors.iter().any(|e| e.organisation == org))
                && tag.as_deref().is_none_or(|tag| data.tags.iter().any(|t| t == tag))
        };
        let offset = usize::try_from(paging.offset()).unwrap_or(0);
        let per_page = usize::try_from(paging.per_page).unwrap_or(0);
        let mut total = 0usize;
        let mut page = Vec::new();
        let mut visit = |index: usize| {
            if cheap(&self.keys[index]) && costly(&self.rows[index]) {
                if total >= offset && page.len() < per_page {
                    page.push(self.rows[index].measure.clone());
                }
                total += 1;
            }
        };
        match (filter.sort, filter.descending) {
            (MeasureSort::Number, false) => (0..self.rows.len()).for_each(&mut visit),
            (MeasureSort::Number, true) => (0..self.rows.len()).rev().for_each(&mut visit),
            (MeasureSort::Term, false) => self.by_term_ascending.iter().for_each(|&i| visit(i as usize)),
            (MeasureSort::Term, true) => self.by_term_descending.iter().for_each(|&i| visit(i as usize)),
            (MeasureSort::Status, false) => self.by_status.iter().for_each(|&i| visit(i as usize)),
            (MeasureSort::Status, true) => self.by_status.iter().rev().for_each(|&i| visit(i as usize)),
        }
        (total as i64, page)
    }
}
