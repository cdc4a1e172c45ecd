//! Behaviour only a database shows: data kept across restarts, concurrent writers, outages.
//! These always run on Postgres in a container (or `DATABASE_URL` for those that need no outage).

mod concurrency;
mod modes;
mod outage;
mod queue;
mod restart;
