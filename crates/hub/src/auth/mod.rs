//! Authentication: passwords, TOTP, sessions, login rate limiting.

pub mod password;
pub mod rate_limit;
pub mod session;
pub mod totp;
