//! Components named for what the user sees.

mod job_table;

pub use job_table::JobTable;
