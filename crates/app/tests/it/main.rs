//! The application layer's stories, each run on SQLite and (when configured) on PostgreSQL:
//! the permission matrix of every write use case, and the reproductions of the rules that
//! once lived in the doors.

mod account_stories;
mod directory_stories;
mod doors;
mod fleet_figures;
mod fleet_stories;
mod instance_stories;
mod logistics_stories;
mod matrix;
mod plan_stories;
mod review_stories;
mod support;
mod trade_stories;
