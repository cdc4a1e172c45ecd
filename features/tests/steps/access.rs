//! Who may call the store: a request with no token, an expired token, a token from an
//! issuer the store does not know, or one signed with another secret is refused with `401`,
//! whatever the state of the database. The typed client always signs a valid token, so these
//! callers send their requests themselves.

use std::time::Instant;

use cucumber::{Parameter, when};
use simulator::auth::{DEFAULT_SECRET, TokenRequest};

use crate::answer::Answer;
use crate::world::LpaStore;

/// A caller's credentials, as named in the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(
    name = "credential",
    regex = "no token|an expired token|a token from an unknown issuer|a token signed with another secret"
)]
pub(crate) enum Credential {
    /// No `X-Jwt-Authorization` header at all.
    NoToken,
    /// A Sirius token that expired an hour ago.
    Expired,
    /// A well-formed token whose `iss` is not one of the store's consumers.
    UnknownIssuer,
    /// A Sirius token signed with a secret the store does not share.
    WrongSecret,
}

impl std::str::FromStr for Credential {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "no token" => Ok(Self::NoToken),
            "an expired token" => Ok(Self::Expired),
            "a token from an unknown issuer" => Ok(Self::UnknownIssuer),
            "a token signed with another secret" => Ok(Self::WrongSecret),
            other => Err(format!("unknown credential {other:?}")),
        }
    }
}

impl Credential {
    fn token(self) -> anyhow::Result<Option<String>> {
        let sirius = |issuer: &str, expires_in, issued_offset| TokenRequest {
            issuer: issuer.to_owned(),
            subject: "urn:opg:sirius:users:34".to_owned(),
            expires_in,
            issued_offset,
        };
        Ok(match self {
            Self::NoToken => None,
            Self::Expired => Some(simulator::auth::issue(
                DEFAULT_SECRET,
                &sirius(contracts::SIRIUS_ISSUER, Some(-3600), -7200),
            )?),
            Self::UnknownIssuer => Some(simulator::auth::issue(
                DEFAULT_SECRET,
                &sirius("opg.poas.unknown", Some(300), 0),
            )?),
            Self::WrongSecret => Some(simulator::auth::issue(
                "not-the-store-secret-not-the-store-secret",
                &sirius(contracts::SIRIUS_ISSUER, Some(300), 0),
            )?),
        })
    }
}

#[when(expr = "a caller with {credential} reads the LPA")]
async fn caller_reads(world: &mut LpaStore, credential: Credential) -> anyhow::Result<()> {
    let url = format!("{}/lpas/{}", world.store()?.address()?, world.uid()?);
    let mut request = world.admin.get(&url);
    if let Some(token) = credential.token()? {
        request = request.header(contracts::client::JWT_HEADER, format!("Bearer {token}"));
    }
    let started = Instant::now();
    let answer = Answer::from_response(
        format!("a caller with {} reads the LPA", describe(credential)),
        request.send().await,
        started,
    )
    .await;
    world.record(answer);
    Ok(())
}

fn describe(credential: Credential) -> &'static str {
    match credential {
        Credential::NoToken => "no token",
        Credential::Expired => "an expired token",
        Credential::UnknownIssuer => "a token from an unknown issuer",
        Credential::WrongSecret => "a token signed with another secret",
    }
}
