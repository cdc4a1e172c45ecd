//! The HTTP surface: the LPA store API (a file per resource) and the admin routes.

pub(crate) mod admin;
pub(crate) mod extract;
pub(crate) mod faults;
pub(crate) mod health;
pub(crate) mod lpas;
pub(crate) mod pact;
pub(crate) mod updates;
