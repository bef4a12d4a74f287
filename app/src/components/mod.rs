//! Components named for what the user sees.

mod confirm_delete;
mod filter_bar;
mod job_actions;
mod job_table;
mod json_dialog;
mod local_time;
mod modal;
mod pager;
mod refresh_controls;

pub use confirm_delete::ConfirmDelete;
pub use filter_bar::FilterBar;
pub use job_actions::{Dialogs, JobActions, JobChange};
pub use job_table::JobTable;
pub use json_dialog::JsonDialog;
pub use local_time::{LocalTime, StatusBadge};
pub use modal::Modal;
pub use pager::{Pager, RowsPerPage};
pub use refresh_controls::RefreshControls;
