//! The action plan: measures with their numbers, terms, executors, status and progress, and
//! the indicators that show how far each measure has got.

pub mod agreement;
pub mod import;
pub mod indicator;
pub mod measure;
pub mod number;
pub mod progress;
pub mod summary;
pub mod term;
pub mod version;

pub use agreement::{Agreement, Indicator, Measure, NewPlan, Plan, PlanForm, Section, Signatory};
pub use measure::{Executor, HandedIn, MeasureData, MeasureForm, Status, is_overdue};
pub use number::MeasureNumber;
pub use term::{Schedule, Term};
