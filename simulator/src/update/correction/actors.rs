//! Corrections to the donor, the certificate provider and one attorney.

use crate::model::FieldError;
use crate::model::{Address, Channel, Date, Lpa, Note, Timestamp};

use super::super::Context;
use super::super::parser::{Parser, Rule, check};
use super::{Stage, full_name, pick, read_address, refuse};

/// The donor's correctable details.
pub(super) struct DonorCorrection {
    first_names: String,
    last_name: String,
    other_names_known_by: String,
    date_of_birth: Date,
    address: Address,
    email: String,
}

impl DonorCorrection {
    /// Starts from the donor as stored.
    pub(super) fn from_lpa(lpa: &Lpa) -> Self {
        let donor = &lpa.donor;
        Self {
            first_names: donor.first_names.clone(),
            last_name: donor.last_name.clone(),
            other_names_known_by: donor.other_names_known_by.clone(),
            date_of_birth: donor.date_of_birth,
            address: donor.address.clone(),
            email: donor.email.clone(),
        }
    }

    /// Starts from the donor as stored, but for the date of birth, which the store reads
    /// against an empty date after registration (so `old` must be `null`).
    pub(super) fn after_registration(lpa: &Lpa) -> Self {
        Self {
            date_of_birth: Date::default(),
            ..Self::from_lpa(lpa)
        }
    }

    /// Reads the optional `/donor/...` keys; the same at both stages.
    pub(super) fn read(&mut self, parser: &mut Parser) {
        parser.prefix("/donor", true, |p| {
            p.field(
                "/firstNames",
                &mut self.first_names,
                Rule::optional().with_validator(check::not_empty),
            )
            .field(
                "/lastName",
                &mut self.last_name,
                Rule::optional().with_validator(check::not_empty),
            )
            .field(
                "/otherNamesKnownBy",
                &mut self.other_names_known_by,
                Rule::optional(),
            )
            .field(
                "/dateOfBirth",
                &mut self.date_of_birth,
                Rule::optional().with_validator(check::date_set),
            );
            read_address(p, &mut self.address);
            p.field("/email", &mut self.email, Rule::optional())
                .consumed();
        });
    }

    /// Before registration the date of birth is fixed once the identity check is done; a new
    /// name or date of birth leaves a note.
    pub(super) fn apply_before_registration(
        self,
        lpa: &mut Lpa,
        ctx: &Context,
    ) -> Result<(), Vec<FieldError>> {
        if self.changes_date_of_birth(lpa) && lpa.donor.identity_check.is_some() {
            return refuse(
                "/donor/dateOfBirth",
                "The donor's date of birth cannot be changed once the identity check is complete",
            );
        }
        let donor = &lpa.donor;
        let mut notes = Vec::new();
        if donor.first_names != self.first_names || donor.last_name != self.last_name {
            let new_name = full_name(&self.first_names, &self.last_name);
            notes.push(Note::at(
                "DONOR_NAME_CHANGE_V1",
                ctx.now,
                &[("newName", new_name)],
            ));
        }
        if donor.date_of_birth != self.date_of_birth {
            let new_dob = self.date_of_birth.as_string();
            notes.push(Note::at(
                "DONOR_DOB_CHANGE_V1",
                ctx.now,
                &[("newDob", new_dob)],
            ));
        }
        lpa.notes.append(&mut notes);
        lpa.donor.date_of_birth = self.date_of_birth;
        self.write(lpa);
        Ok(())
    }

    /// After registration the date of birth cannot change at all; no notes are written.
    pub(super) fn apply_after_registration(self, lpa: &mut Lpa) -> Result<(), Vec<FieldError>> {
        if self.changes_date_of_birth(lpa) {
            return refuse(
                "/donor/dateOfBirth",
                "The donor's date of birth cannot be changed once the LPA is registered",
            );
        }
        self.write(lpa);
        Ok(())
    }

    fn changes_date_of_birth(&self, lpa: &Lpa) -> bool {
        !self.date_of_birth.is_zero() && self.date_of_birth != lpa.donor.date_of_birth
    }

    fn write(self, lpa: &mut Lpa) {
        let donor = &mut lpa.donor;
        donor.first_names = self.first_names;
        donor.last_name = self.last_name;
        donor.other_names_known_by = self.other_names_known_by;
        donor.address = self.address;
        donor.email = self.email;
    }
}

/// The certificate provider's correctable details.
pub(super) struct CertificateProviderCorrection {
    first_names: String,
    last_name: String,
    address: Address,
    email: String,
    phone: String,
    signed_at: Timestamp,
}

impl CertificateProviderCorrection {
    /// Starts from the certificate provider as stored.
    pub(super) fn from_lpa(lpa: &Lpa) -> Self {
        let provider = &lpa.certificate_provider;
        Self {
            first_names: provider.first_names.clone(),
            last_name: provider.last_name.clone(),
            address: provider.address.clone(),
            email: provider.email.clone(),
            phone: provider.phone.clone(),
            signed_at: provider.signed_at.unwrap_or_default(),
        }
    }

    /// Reads the optional `/certificateProvider/...` keys. After registration `signedAt` is
    /// read against an empty time and then dropped, as the store does.
    pub(super) fn read(&mut self, parser: &mut Parser, stage: Stage) {
        parser.prefix("/certificateProvider", true, |p| {
            p.field(
                "/firstNames",
                &mut self.first_names,
                Rule::optional().with_validator(check::not_empty),
            )
            .field(
                "/lastName",
                &mut self.last_name,
                Rule::optional().with_validator(check::not_empty),
            );
            read_address(p, &mut self.address);
            p.field("/email", &mut self.email, Rule::optional()).field(
                "/phone",
                &mut self.phone,
                Rule::optional(),
            );
            match stage {
                Stage::BeforeRegistration => {
                    p.field("/signedAt", &mut self.signed_at, Rule::optional());
                }
                Stage::AfterRegistration => {
                    p.field("/signedAt", &mut Timestamp::zero(), Rule::optional());
                }
            }
            p.consumed();
        });
    }

    /// Before registration the signature date is fixed on online LPAs; a new name leaves a note.
    pub(super) fn apply_before_registration(
        self,
        lpa: &mut Lpa,
        ctx: &Context,
    ) -> Result<(), Vec<FieldError>> {
        let provider = &lpa.certificate_provider;
        let current = provider.signed_at.unwrap_or_default();
        let resigned = !self.signed_at.is_zero() && self.signed_at != current;
        if resigned && lpa.channel == Channel::ONLINE {
            return refuse(
                "/certificateProvider/signedAt",
                "The Certificate Provider Signed on date cannot be changed for online LPAs",
            );
        }
        if provider.first_names != self.first_names || provider.last_name != self.last_name {
            let new_name = full_name(&self.first_names, &self.last_name);
            lpa.notes.push(Note::at(
                "CERTIFICATE_PROVIDER_NAME_CHANGE_V1",
                ctx.now,
                &[("newName", new_name)],
            ));
        }
        if !self.signed_at.is_zero() {
            lpa.certificate_provider.signed_at = Some(self.signed_at);
        }
        self.write(lpa);
        Ok(())
    }

    /// After registration only the names and contact details are written, without notes.
    pub(super) fn apply_after_registration(self, lpa: &mut Lpa) {
        self.write(lpa);
    }

    fn write(self, lpa: &mut Lpa) {
        let provider = &mut lpa.certificate_provider;
        provider.first_names = self.first_names;
        provider.last_name = self.last_name;
        provider.address = self.address;
        provider.email = self.email;
        provider.phone = self.phone;
    }
}

/// The correctable details of the one attorney a correction may name.
#[derive(Default)]
pub(super) struct AttorneyCorrection {
    index: Option<usize>,
    first_names: String,
    last_name: String,
    date_of_birth: Date,
    address: Address,
    email: String,
    mobile: String,
    signed_at: Timestamp,
    cannot_make_joint_decisions: bool,
}

impl AttorneyCorrection {
    /// Reads the optional `/attorneys/{index|uid}/...` keys. Keys for an unknown attorney, or
    /// for a second one, are out of range.
    pub(super) fn read(&mut self, parser: &mut Parser, lpa: &Lpa, stage: Stage) {
        parser.prefix("/attorneys", true, |p| {
            p.each(|segment, p| {
                let Some(index) = pick(self.index, lpa.find_attorney(segment)) else {
                    p.out_of_range();
                    return;
                };
                // As in the store, each group of keys for the attorney (by index, then by UID,
                // say) starts again from the stored details; only `cannotMakeJointDecisions`
                // carries over.
                let carried = self.index.map(|_| self.cannot_make_joint_decisions);
                self.start_from(lpa, index, stage);
                if let Some(decisions) = carried {
                    self.cannot_make_joint_decisions = decisions;
                }
                self.read_fields(p, stage);
            });
        });
    }

    /// Starts from the attorney as stored; after registration `cannotMakeJointDecisions`
    /// starts `false`, as in the store, and is written back whether named or not.
    fn start_from(&mut self, lpa: &Lpa, index: usize, stage: Stage) {
        let attorney = &lpa.attorneys[index];
        *self = Self {
            index: Some(index),
            first_names: attorney.first_names.clone(),
            last_name: attorney.last_name.clone(),
            date_of_birth: attorney.date_of_birth,
            address: attorney.address.clone(),
            email: attorney.email.clone(),
            mobile: attorney.mobile.clone(),
            signed_at: attorney.signed_at.unwrap_or_default(),
            cannot_make_joint_decisions: stage == Stage::BeforeRegistration
                && attorney.cannot_make_joint_decisions,
        };
    }

    fn read_fields(&mut self, p: &mut Parser, stage: Stage) {
        p.field(
            "/firstNames",
            &mut self.first_names,
            Rule::optional().with_validator(check::not_empty),
        )
        .field(
            "/lastName",
            &mut self.last_name,
            Rule::optional().with_validator(check::not_empty),
        )
        .field(
            "/dateOfBirth",
            &mut self.date_of_birth,
            Rule::optional().with_validator(check::date_set),
        )
        .field("/email", &mut self.email, Rule::optional())
        .field("/mobile", &mut self.mobile, Rule::optional());
        read_address(p, &mut self.address);
        match stage {
            Stage::BeforeRegistration => p.field(
                "/signedAt",
                &mut self.signed_at,
                Rule::optional().with_validator(check::time_set),
            ),
            // After registration the signature date is read, as the store does, and then
            // dropped.
            Stage::AfterRegistration => p
                .field(
                    "/signedAt",
                    &mut self.signed_at,
                    Rule::optional().with_validator(check::time_set),
                )
                .field(
                    "/cannotMakeJointDecisions",
                    &mut self.cannot_make_joint_decisions,
                    Rule::optional(),
                ),
        };
        p.consumed();
    }

    /// Writes the named attorney back, if any. Before registration an online LPA's attorney
    /// signature date is fixed; the refusal's source is the store's (`/attorney/{index}/...`).
    pub(super) fn apply(self, lpa: &mut Lpa, stage: Stage) -> Result<(), Vec<FieldError>> {
        let Some(index) = self.index else {
            return Ok(());
        };
        let online = lpa.channel == Channel::ONLINE;
        let attorney = &mut lpa.attorneys[index];
        match stage {
            Stage::BeforeRegistration => {
                let current = attorney.signed_at.unwrap_or_default();
                if online && !self.signed_at.is_zero() && self.signed_at != current {
                    return refuse(
                        &format!("/attorney/{index}/signedAt"),
                        "The attorney signed at date cannot be changed for online LPA",
                    );
                }
                // As in the store, the signature is always written back: an empty one as none.
                attorney.signed_at = (!self.signed_at.is_zero()).then_some(self.signed_at);
            }
            Stage::AfterRegistration => {
                attorney.cannot_make_joint_decisions = self.cannot_make_joint_decisions;
            }
        }
        attorney.first_names = self.first_names;
        attorney.last_name = self.last_name;
        attorney.date_of_birth = self.date_of_birth;
        attorney.address = self.address;
        attorney.email = self.email;
        attorney.mobile = self.mobile;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::fixture::{self, ATTORNEY_UID, change, context};
    use super::super::{post_registration, pre_registration};
    use super::*;
    use crate::model::{IdentityCheck, IdentityCheckType};

    fn note(note_type: &str, key: &str, value: &str) -> Note {
        Note::at(note_type, context().now, &[(key, value.to_owned())])
    }

    #[test]
    fn donor_name_correction_writes_the_name_and_a_name_change_note() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/donor/firstNames", json!("Homer"), json!("Jane")),
            change("/donor/lastName", json!("Zoller"), json!("Smith")),
            change("/donor/otherNamesKnownBy", json!(null), json!("Janey")),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.donor.first_names, "Jane");
        assert_eq!(lpa.donor.last_name, "Smith");
        assert_eq!(lpa.donor.other_names_known_by, "Janey");
        assert_eq!(
            lpa.notes,
            vec![note("DONOR_NAME_CHANGE_V1", "newName", "Jane Smith")]
        );
        assert_eq!(lpa.notes[0].datetime, "2024-06-01T10:00:00Z");
    }

    #[test]
    fn donor_date_of_birth_correction_leaves_a_dob_note() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/donor/dateOfBirth",
            json!("1960-04-06"),
            json!("1961-04-06"),
        )];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.donor.date_of_birth, Date::parse("1961-04-06"));
        assert_eq!(
            lpa.notes,
            vec![note("DONOR_DOB_CHANGE_V1", "newDob", "1961-04-06")]
        );
    }

    #[test]
    fn donor_date_of_birth_cannot_change_once_identity_is_checked() {
        let mut lpa = fixture::lpa();
        lpa.donor.identity_check = Some(IdentityCheck {
            checked_at: context().now,
            check_type: IdentityCheckType::ONE_LOGIN,
        });
        let changes = [change(
            "/donor/dateOfBirth",
            json!("1960-04-06"),
            json!("1961-04-06"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/donor/dateOfBirth",
                "The donor's date of birth cannot be changed once the identity check is complete"
            )]
        );
    }

    #[test]
    fn donor_date_of_birth_must_be_a_date() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/donor/dateOfBirth",
            json!("1960-04-06"),
            json!("6 April 1960"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/new", "invalid format")]
        );
    }

    #[test]
    fn donor_date_of_birth_cannot_change_after_registration() {
        let mut lpa = fixture::lpa();
        lpa.status = crate::model::LpaStatus::REGISTERED;
        // As in the store, `old` is read against an empty date after registration.
        let changes = [change(
            "/donor/dateOfBirth",
            json!(null),
            json!("1961-04-06"),
        )];
        let errors = post_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/donor/dateOfBirth",
                "The donor's date of birth cannot be changed once the LPA is registered"
            )]
        );
    }

    #[test]
    fn empty_names_are_required() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/donor/firstNames", json!("Homer"), json!("")),
            change(
                "/certificateProvider/lastName",
                json!("Provider"),
                json!(null),
            ),
            change("/attorneys/0/firstNames", json!("Jake"), json!("")),
        ];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/new", "field is required"),
                FieldError::new("/changes/2/new", "field is required"),
            ],
            "a null new leaves the stored name, which is not empty"
        );
    }

    #[test]
    fn certificate_provider_correction_writes_details_and_a_name_change_note() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/certificateProvider/firstNames",
                json!("Some"),
                json!("Lynn"),
            ),
            change(
                "/certificateProvider/email",
                json!(""),
                json!("lynn@example.com"),
            ),
            change(
                "/certificateProvider/address/town",
                json!("Milton"),
                json!("Long Larkin"),
            ),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        let provider = &lpa.certificate_provider;
        assert_eq!(provider.first_names, "Lynn");
        assert_eq!(provider.email, "lynn@example.com");
        assert_eq!(provider.address.town, "Long Larkin");
        assert_eq!(
            provider.signed_at, None,
            "an unsigned provider stays unsigned"
        );
        assert_eq!(
            lpa.notes,
            vec![note(
                "CERTIFICATE_PROVIDER_NAME_CHANGE_V1",
                "newName",
                "Lynn Provider"
            )]
        );
    }

    #[test]
    fn certificate_provider_signed_at_cannot_change_for_an_online_lpa() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/certificateProvider/signedAt",
            json!(null),
            json!("2024-01-10T09:00:00Z"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/certificateProvider/signedAt",
                "The Certificate Provider Signed on date cannot be changed for online LPAs"
            )]
        );

        lpa.channel = Channel::PAPER;
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.certificate_provider.signed_at,
            Timestamp::parse("2024-01-10T09:00:00Z")
        );
    }

    #[test]
    fn attorney_is_corrected_when_addressed_by_uid() {
        let mut lpa = fixture::lpa();
        let key = |field: &str| format!("/attorneys/{ATTORNEY_UID}/{field}");
        let changes = [
            change(&key("lastName"), json!("Vallar"), json!("Valler")),
            change(&key("mobile"), json!(null), json!("07700900000")),
            change(&key("address/postcode"), json!(null), json!("MI1 1TN")),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        let attorney = &lpa.attorneys[0];
        assert_eq!(attorney.full_name(), "Jake Valler");
        assert_eq!(attorney.mobile, "07700900000");
        assert_eq!(attorney.address.postcode, "MI1 1TN");
        assert_eq!(attorney.address.line1, "71 South Western Terrace");
        assert!(lpa.notes.is_empty(), "attorney corrections leave no note");
    }

    #[test]
    fn keys_for_a_second_attorney_are_out_of_range() {
        let mut lpa = fixture::lpa();
        lpa.attorneys.push(fixture::replacement_attorney());
        let changes = [
            change("/attorneys/0/lastName", json!("Vallar"), json!("Valler")),
            change("/attorneys/1/lastName", json!("Reeve"), json!("Reeves")),
            change("/attorneys/7/lastName", json!(null), json!("Nobody")),
        ];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/1/key", "index out of range"),
                FieldError::new("/changes/2/key", "index out of range"),
            ]
        );
    }

    #[test]
    fn attorney_signed_at_cannot_change_for_an_online_lpa() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/0/signedAt",
            json!(null),
            json!("2024-01-10T09:00:00Z"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/attorney/0/signedAt",
                "The attorney signed at date cannot be changed for online LPA"
            )]
        );
    }

    #[test]
    fn attorney_never_signed_stays_unsigned_after_a_correction() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/0/email",
            json!(null),
            json!("jake@example.com"),
        )];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.attorneys[0].email, "jake@example.com");
        assert_eq!(lpa.attorneys[0].signed_at, None);
    }

    #[test]
    fn attorney_joint_decisions_are_corrected_only_after_registration() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/0/cannotMakeJointDecisions",
            json!(false),
            json!(true),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0", "unexpected change provided")]
        );
        post_registration(&changes, &mut lpa, &context()).unwrap();
        assert!(lpa.attorneys[0].cannot_make_joint_decisions);
        assert_eq!(lpa.attorneys[0].signed_at, None);
    }
}
