//! The LPA document and its value types (`lpa-store-domain.md` §5).

mod change;
pub mod decode;
mod lpa;
mod problem;
mod values;

pub use change::{Change, UpdateRequest};
pub use problem::{FieldError, Problem};

pub use lpa::{
    Address, Attorney, AuthorisedSignatory, CertificateProvider, Donor, IdentityCheck, Image,
    IndependentWitness, Lpa, Note, PersonToNotify, Signatory, TrustCorporation,
};
pub use values::{
    AppointmentType, AttorneyStatus, CanUse, Channel, Date, HowMakeDecisions, HowStepIn,
    IdentityCheckType, Lang, LifeSustainingTreatment, LpaStatus, LpaType, Timestamp,
};
