//! Helpers of the app's integration tests.
pub mod gp;
