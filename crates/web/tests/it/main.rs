//! The web application over real HTTP: a server on a free port per test, on SQLite and
//! (when configured) PostgreSQL, and browser journeys in headless Chromium.

mod account_stories;
mod app;
mod briefing_stories;
mod browser;
mod file_limits_stories;
mod fleet_regime_stories;
mod fleet_stories;
mod limits_stories;
mod logistics_stories;
mod openapi;
mod plan_stories;
mod review_more_stories;
mod review_stories;
mod routes;
mod sign_in_stories;
mod stories;
mod trade_stories;
