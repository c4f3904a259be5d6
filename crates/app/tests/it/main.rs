//! The application layer's stories, each run on SQLite and (when configured) on PostgreSQL:
//! the permission matrix of every write use case, and the reproductions of the rules that
//! once lived in the doors.

mod fleet_stories;
mod matrix;
mod plan_stories;
mod support;
