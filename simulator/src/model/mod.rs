//! The LPA document and its value types (`lpa-store-domain.md` §5).

pub mod decode;
mod lpa;
mod values;

pub use lpa::{
    Address, Attorney, AuthorisedSignatory, CertificateProvider, Donor, IdentityCheck, Image,
    IndependentWitness, Lpa, Note, PersonToNotify, Signatory, TrustCorporation,
};
pub use values::{
    AppointmentType, AttorneyStatus, CanUse, Channel, Date, HowMakeDecisions, HowStepIn,
    IdentityCheckType, Lang, LifeSustainingTreatment, LpaStatus, LpaType, Timestamp,
};
