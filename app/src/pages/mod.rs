//! One module per page.

mod dashboard;
mod not_found;
mod sign_in;

pub use dashboard::Dashboard;
pub use not_found::NotFound;
pub use sign_in::SignIn;
