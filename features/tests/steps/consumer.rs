//! The consumers of the store, played by the typed client (`contracts::Client`) with each
//! consumer's own JWT issuer, and the retry policy a consumer follows.
//!
//! Retrying is the consumer's business, not the client's: the client reports one answer per
//! request, and a consumer that QA has told to "try up to N times" retries a `503` after its
//! `Retry-After` (at most [`LONGEST_WAIT`], to keep rehearsals short) and a lost connection
//! after a short pause. A create retried after its answer was lost gets "already exists",
//! which consumers treat as success (`lpa-store-domain.md` §2.1).

use std::future::Future;
use std::str::FromStr;
use std::time::{Duration, Instant};

use contracts::{Client, Credentials, Error};
use cucumber::Parameter;

use crate::answer::Answer;
use crate::world::LpaStore;

/// The longest a consumer waits between two attempts, whatever `Retry-After` says.
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// The pause before retrying a request that got no answer.
const PAUSE_AFTER_NO_ANSWER: Duration = Duration::from_millis(100);

/// A consumer of the store, as named in the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(
    name = "consumer",
    regex = "Make and register an LPA|Use an LPA|Sirius"
)]
pub(crate) struct Consumer(pub(crate) testkit::Consumer);

impl FromStr for Consumer {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "Make and register an LPA" => Ok(Self(testkit::Consumer::MakeRegister)),
            "Use an LPA" => Ok(Self(testkit::Consumer::UseAnLpa)),
            "Sirius" => Ok(Self(testkit::Consumer::Sirius)),
            other => Err(format!("unknown consumer {other:?}")),
        }
    }
}

impl std::fmt::Display for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            testkit::Consumer::MakeRegister => "Make and register an LPA",
            testkit::Consumer::UseAnLpa => "Use an LPA",
            testkit::Consumer::Sirius => "Sirius",
        })
    }
}

impl Consumer {
    /// The credentials the consumer calls with: its issuer, a subject URN in its shape, and
    /// the store's test secret.
    pub(crate) fn credentials(self) -> Credentials {
        Credentials::new(
            self.0.issuer(),
            self.0.subject(testkit::SERVICE_ACTOR),
            simulator::auth::DEFAULT_SECRET,
        )
    }

    /// The consumer's typed client of the store under test, with the scenario's timeout.
    pub(crate) fn client(self, world: &LpaStore) -> anyhow::Result<Client> {
        let address = world.store()?.address()?;
        Ok(Client::builder(address, self.credentials())
            .with_timeout(world.client_timeout)
            .with_connect_timeout(world.client_timeout)
            .build()?)
    }

    /// Fails when the consumer would never make this call: Use an LPA only reads.
    pub(crate) fn ensure_writes(self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.0 != testkit::Consumer::UseAnLpa,
            "Use an LPA only reads LPAs; it never writes to the store"
        );
        Ok(())
    }
}

/// Makes `call` as `consumer` the way the scenario says (attempts, timeout), records the
/// answer in the world and returns the client's result.
pub(crate) async fn ask<T, F, Fut>(
    world: &mut LpaStore,
    consumer: Consumer,
    what: &str,
    success: u16,
    call: F,
) -> anyhow::Result<contracts::Result<T>>
where
    T: serde::Serialize,
    F: Fn(Client) -> Fut,
    Fut: Future<Output = contracts::Result<T>>,
{
    let client = consumer.client(world)?;
    let started = Instant::now();
    let mut attempts = 0;
    let result = loop {
        attempts += 1;
        let result = call(client.clone()).await;
        if attempts >= world.attempts {
            break result;
        }
        match &result {
            Err(Error::Unavailable { retry_after }) => {
                let wait = retry_after.unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait.min(LONGEST_WAIT)).await;
            }
            Err(Error::Transport(_) | Error::Timeout(_)) => {
                tokio::time::sleep(PAUSE_AFTER_NO_ANSWER).await;
            }
            Err(Error::UnexpectedStatus { status, .. }) if *status >= 500 => {
                tokio::time::sleep(PAUSE_AFTER_NO_ANSWER).await;
            }
            _ => break result,
        }
    };
    let mut answer = Answer::from_client(
        format!("{consumer} {what}"),
        &result,
        success,
        started.elapsed(),
    );
    answer.attempts = attempts;
    world.record(answer);
    Ok(result)
}
