//! Integration tests: one binary (each test binary costs a link and disk space), one module
//! per area. Every test runs a real server instance on its own SQLite file.

mod common;

mod api;
mod assets;
mod cli;
mod conversions;
mod dashboard;
mod formats;
mod group_commit;
mod idempotency;
mod isolation;
mod leases;
mod limits;
mod openapi;
mod plans;
mod remote;
mod retention;
mod scale;
mod sign_in;
mod transcribe;
mod translate;
mod webhooks;
