//! A typed client of the OPG LPA store API, and the consumer Pact contracts of the store's
//! three consumers, which that client drives.
//!
//! Consumers publish pacts that say what they need from the store and nothing more. Making
//! every contracted request through [`Client`] means the pacts describe calls the client really
//! makes, not JSON written by hand. The contracts themselves live in `tests/` and the pact files
//! they write in `pacts/` (see the crate's README).
//!
//! # Layout
//! - [`client`]: [`Client`], one method per API operation, timeouts, JWT header;
//! - [`credentials`]: [`Credentials`], the HS256 JWT the store checks;
//! - [`error`]: [`Error`], the answers a caller branches on;
//! - [`lpa`]: the LPA document ([`Lpa`], [`DonorDetails`], actors);
//! - [`update`]: [`Update`], [`Change`] and the change history ([`ChangeRecord`]).
//!
//! # Example
//! ```no_run
//! use contracts::{Client, Credentials, Error, Images};
//!
//! # async fn run() -> contracts::Result<()> {
//! let credentials = Credentials::new(
//!     contracts::USE_ISSUER,
//!     "urn:opg:poas:use:users:1",
//!     "mysupersecrettestkeythatis128bits",
//! );
//! let store = Client::builder("http://127.0.0.1:8080", credentials).build()?;
//! match store.get("M-0000-1111-2222", Images::Presigned).await {
//!     Ok(lpa) => println!("{} is {}", lpa.uid, lpa.status.as_str()),
//!     Err(Error::NotFound) => println!("no such LPA"),
//!     Err(Error::Unavailable { retry_after }) => println!("try again in {retry_after:?}"),
//!     Err(other) => return Err(other),
//! }
//! # Ok(())
//! # }
//! ```

pub mod client;
pub mod credentials;
pub mod error;
pub mod lpa;
pub mod update;

pub use client::{Client, ClientBuilder, Health, Images};
pub use credentials::{Credentials, MAKE_REGISTER_ISSUER, SIRIUS_ISSUER, USE_ISSUER};
pub use error::{Error, FieldError, Result};
pub use lpa::{
    Address, Attorney, CertificateProvider, Channel, Donor, DonorDetails, IdentityCheck, Image,
    Language, Lpa, LpaType, PersonToNotify, Signatory, Status, TrustCorporation,
};
pub use update::{Change, ChangeRecord, Update, UpdateType};
