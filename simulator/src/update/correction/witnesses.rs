//! Corrections around the donor's signature (before registration): the authorised signatory who
//! signs for a donor who cannot, the independent witness, and when the witnesses witnessed.

use crate::model::{Address, Lpa, Timestamp};

use super::super::parser::{Parser, Rule, check};
use super::read_address;

/// The correctable details of the people and times around the donor's signature.
pub(super) struct WitnessCorrection {
    signatory_first_names: String,
    signatory_last_name: String,
    witness_first_names: String,
    witness_last_name: String,
    witness_phone: String,
    witness_address: Address,
    by_certificate_provider_at: Timestamp,
    by_independent_witness_at: Timestamp,
}

impl WitnessCorrection {
    /// Starts from the LPA as stored; an absent person starts empty.
    pub(super) fn from_lpa(lpa: &Lpa) -> Self {
        let signatory = lpa.authorised_signatory.clone().unwrap_or_default();
        let witness = lpa.independent_witness.clone().unwrap_or_default();
        Self {
            signatory_first_names: signatory.first_names,
            signatory_last_name: signatory.last_name,
            witness_first_names: witness.first_names,
            witness_last_name: witness.last_name,
            witness_phone: witness.phone,
            witness_address: witness.address,
            by_certificate_provider_at: lpa.witnessed_by_certificate_provider_at,
            by_independent_witness_at: lpa.witnessed_by_independent_witness_at.unwrap_or_default(),
        }
    }

    /// Reads the optional `/authorisedSignatory/...`, `/independentWitness/...` and
    /// `/witnessedBy...At` keys.
    pub(super) fn read(&mut self, parser: &mut Parser) {
        let required = || Rule::optional().with_validator(check::not_empty);
        parser
            .prefix("/authorisedSignatory", true, |p| {
                p.field("/firstNames", &mut self.signatory_first_names, required())
                    .field("/lastName", &mut self.signatory_last_name, required())
                    .consumed();
            })
            .prefix("/independentWitness", true, |p| {
                p.field("/firstNames", &mut self.witness_first_names, required())
                    .field("/lastName", &mut self.witness_last_name, required())
                    .field("/phone", &mut self.witness_phone, required());
                read_address(p, &mut self.witness_address);
                p.consumed();
            })
            .field(
                "/witnessedByCertificateProviderAt",
                &mut self.by_certificate_provider_at,
                Rule::optional().with_validator(check::time_set),
            )
            .field(
                "/witnessedByIndependentWitnessAt",
                &mut self.by_independent_witness_at,
                Rule::optional().with_validator(check::time_set),
            );
    }

    /// Writes back what is set. A person the LPA did not have is added once there is something
    /// to record; an existing person keeps their actor UID.
    pub(super) fn apply(self, lpa: &mut Lpa) {
        if !self.signatory_first_names.is_empty() && !self.signatory_last_name.is_empty() {
            let signatory = lpa
                .authorised_signatory
                .get_or_insert_with(Default::default);
            signatory.first_names = self.signatory_first_names;
            signatory.last_name = self.signatory_last_name;
        }
        let names = !self.witness_first_names.is_empty() && !self.witness_last_name.is_empty();
        let phone = !self.witness_phone.is_empty();
        let address = !self.witness_address.is_zero();
        if names || phone || address {
            let witness = lpa.independent_witness.get_or_insert_with(Default::default);
            if names {
                witness.first_names = self.witness_first_names;
                witness.last_name = self.witness_last_name;
            }
            if phone {
                witness.phone = self.witness_phone;
            }
            if address {
                witness.address = self.witness_address;
            }
        }
        if !self.by_certificate_provider_at.is_zero() {
            lpa.witnessed_by_certificate_provider_at = self.by_certificate_provider_at;
        }
        if !self.by_independent_witness_at.is_zero() {
            lpa.witnessed_by_independent_witness_at = Some(self.by_independent_witness_at);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::fixture::{self, change, context};
    use super::super::pre_registration;
    use super::*;
    use crate::model::FieldError;
    use crate::model::{AuthorisedSignatory, IndependentWitness};

    #[test]
    fn authorised_signatory_is_added_once_both_names_are_given() {
        let mut lpa = fixture::lpa();
        let first_only = [change(
            "/authorisedSignatory/firstNames",
            json!(null),
            json!("Orlando"),
        )];
        pre_registration(&first_only, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.authorised_signatory, None);

        let both = [
            change(
                "/authorisedSignatory/firstNames",
                json!(null),
                json!("Orlando"),
            ),
            change(
                "/authorisedSignatory/lastName",
                json!(null),
                json!("Breitenberg"),
            ),
        ];
        pre_registration(&both, &mut lpa, &context()).unwrap();
        let signatory = lpa.authorised_signatory.expect("added");
        assert_eq!(signatory.first_names, "Orlando");
        assert_eq!(signatory.last_name, "Breitenberg");
    }

    #[test]
    fn independent_witness_is_corrected_keeping_its_uid() {
        let mut lpa = fixture::lpa();
        lpa.authorised_signatory = Some(AuthorisedSignatory {
            uid: "as-uid".into(),
            first_names: "Mafalda".into(),
            last_name: "Kuhic".into(),
        });
        lpa.independent_witness = Some(IndependentWitness {
            uid: "iw-uid".into(),
            first_names: "Donald".into(),
            last_name: "Rowe".into(),
            phone: "0115 592 8043".into(),
            address: fixture::lpa().donor.address,
        });
        let changes = [
            change(
                "/independentWitness/lastName",
                json!("Rowe"),
                json!("Rowan"),
            ),
            change(
                "/independentWitness/phone",
                json!("0115 592 8043"),
                json!("0955 305 0174"),
            ),
            change(
                "/independentWitness/address/town",
                json!("Hampton Lovett"),
                json!("Avon"),
            ),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        let witness = lpa.independent_witness.as_ref().expect("kept");
        assert_eq!(witness.uid, "iw-uid");
        assert_eq!(witness.last_name, "Rowan");
        assert_eq!(witness.phone, "0955 305 0174");
        assert_eq!(witness.address.town, "Avon");
        assert_eq!(lpa.authorised_signatory.expect("kept").uid, "as-uid");
    }

    #[test]
    fn witnessing_times_are_corrected_and_must_be_times() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/witnessedByCertificateProviderAt",
                json!("2000-01-02T13:13:14Z"),
                json!("2000-01-02T14:00:00Z"),
            ),
            change(
                "/witnessedByIndependentWitnessAt",
                json!(null),
                json!("2000-01-02T15:00:00Z"),
            ),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        let at = |text: &str| Timestamp::parse(text).unwrap();
        assert_eq!(
            lpa.witnessed_by_certificate_provider_at,
            at("2000-01-02T14:00:00Z")
        );
        assert_eq!(
            lpa.witnessed_by_independent_witness_at,
            Some(at("2000-01-02T15:00:00Z"))
        );

        let invalid = [change(
            "/witnessedByIndependentWitnessAt",
            json!(null),
            json!("Invalid"),
        )];
        let errors = pre_registration(&invalid, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/changes/0/old",
                "does not match existing value"
            )]
        );
        let invalid = [change(
            "/witnessedByIndependentWitnessAt",
            json!("2000-01-02T15:00:00Z"),
            json!("Invalid"),
        )];
        let errors = pre_registration(&invalid, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/new", "unexpected type")]
        );
    }
}
