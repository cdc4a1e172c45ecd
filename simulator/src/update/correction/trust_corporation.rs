//! Corrections to one trust corporation and the people who sign for it (before registration).

use crate::model::{Address, Lpa, Signatory};

use super::super::parser::{Parser, Rule, check};
use super::{pick, read_address};

/// At most two people sign for a trust corporation.
const MAX_SIGNATORIES: usize = 2;

/// The correctable details of the one trust corporation a correction may name.
#[derive(Default)]
pub(super) struct TrustCorporationCorrection {
    index: Option<usize>,
    name: String,
    company_number: String,
    email: String,
    address: Address,
    mobile: String,
    signatories: Vec<Signatory>,
}

impl TrustCorporationCorrection {
    /// Reads the optional `/trustCorporations/{index|uid}/...` keys. Keys for an unknown trust
    /// corporation, or for a second one, are out of range.
    pub(super) fn read(&mut self, parser: &mut Parser, lpa: &Lpa) {
        parser.prefix("/trustCorporations", true, |p| {
            p.each(|segment, p| {
                let Some(index) = pick(self.index, lpa.find_trust_corporation(segment)) else {
                    p.out_of_range();
                    return;
                };
                // As in the store, each group of keys for the trust corporation (by index, then
                // by UID, say) starts again from the stored details, but for the signatories,
                // which the store corrects in place and so carry over.
                let carried = self.index.map(|_| std::mem::take(&mut self.signatories));
                self.start_from(lpa, index);
                if let Some(signatories) = carried {
                    self.signatories = signatories;
                }
                self.read_fields(p);
            });
        });
    }

    fn start_from(&mut self, lpa: &Lpa, index: usize) {
        let trust_corporation = &lpa.trust_corporations[index];
        *self = Self {
            index: Some(index),
            name: trust_corporation.name.clone(),
            company_number: trust_corporation.company_number.clone(),
            email: trust_corporation.email.clone(),
            address: trust_corporation.address.clone(),
            mobile: trust_corporation.mobile.clone(),
            signatories: trust_corporation.signatories.clone(),
        };
    }

    fn read_fields(&mut self, p: &mut Parser) {
        p.field(
            "/name",
            &mut self.name,
            Rule::optional().with_validator(check::not_empty),
        )
        .field(
            "/companyNumber",
            &mut self.company_number,
            Rule::optional().with_validator(check::not_empty),
        )
        .field("/email", &mut self.email, Rule::optional());
        read_address(p, &mut self.address);
        p.field("/mobile", &mut self.mobile, Rule::optional())
            .prefix("/signatories", true, |p| {
                p.each_index(&[], |index, p| {
                    read_signatory(&mut self.signatories, index, p);
                })
                .consumed();
            })
            .consumed();
    }

    /// Writes the named trust corporation back, if any. Signatories keep their signature dates:
    /// only their names and titles are corrected.
    pub(super) fn apply(self, lpa: &mut Lpa) {
        let Some(index) = self.index else {
            return;
        };
        let trust_corporation = &mut lpa.trust_corporations[index];
        trust_corporation.name = self.name;
        trust_corporation.company_number = self.company_number;
        trust_corporation.email = self.email;
        trust_corporation.address = self.address;
        trust_corporation.mobile = self.mobile;
        for (stored, corrected) in trust_corporation
            .signatories
            .iter_mut()
            .zip(self.signatories)
        {
            stored.first_names = corrected.first_names;
            stored.last_name = corrected.last_name;
            stored.professional_title = corrected.professional_title;
        }
    }
}

/// Reads `/signatories/{0|1}/...`. A signatory the trust corporation does not have is out of
/// range, as is any index past the second.
fn read_signatory(signatories: &mut [Signatory], index: usize, p: &mut Parser) {
    let signatory = Some(index)
        .filter(|index| *index < MAX_SIGNATORIES)
        .and_then(|index| signatories.get_mut(index));
    let Some(signatory) = signatory else {
        p.out_of_range();
        return;
    };
    p.field(
        "/firstNames",
        &mut signatory.first_names,
        Rule::optional().with_validator(check::not_empty),
    )
    .field(
        "/lastName",
        &mut signatory.last_name,
        Rule::optional().with_validator(check::not_empty),
    )
    .field(
        "/professionalTitle",
        &mut signatory.professional_title,
        Rule::optional(),
    )
    .consumed();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::fixture::{self, TRUST_CORPORATION_UID, change, context};
    use super::super::pre_registration;
    use super::*;
    use crate::model::FieldError;
    use crate::model::Timestamp;

    fn signatory(first_names: &str) -> Signatory {
        Signatory {
            first_names: first_names.into(),
            last_name: "Morar".into(),
            professional_title: "Dr.".into(),
            signed_at: Timestamp::parse("2024-01-01T00:00:00Z").unwrap(),
        }
    }

    #[test]
    fn trust_corporation_and_signatory_names_are_corrected_keeping_signature_dates() {
        let mut lpa = fixture::lpa();
        lpa.trust_corporations[0].signatories = vec![signatory("Miracle"), signatory("Mo")];
        let key = |field: &str| format!("/trustCorporations/{TRUST_CORPORATION_UID}/{field}");
        let changes = [
            change(&key("name"), json!("Trust us Corp."), json!("Trust Us Ltd")),
            change(&key("companyNumber"), json!(null), json!("666123322")),
            change(
                &key("signatories/1/firstNames"),
                json!("Mo"),
                json!("Maureen"),
            ),
            change(
                &key("signatories/1/professionalTitle"),
                json!("Dr."),
                json!("Prof."),
            ),
        ];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        let trust_corporation = &lpa.trust_corporations[0];
        assert_eq!(trust_corporation.name, "Trust Us Ltd");
        assert_eq!(trust_corporation.company_number, "666123322");
        assert_eq!(trust_corporation.signatories[0], signatory("Miracle"));
        let second = &trust_corporation.signatories[1];
        assert_eq!(second.first_names, "Maureen");
        assert_eq!(second.professional_title, "Prof.");
        assert_eq!(second.signed_at, signatory("Mo").signed_at);
    }

    #[test]
    fn signatories_past_the_second_or_not_present_are_out_of_range() {
        let mut lpa = fixture::lpa();
        lpa.trust_corporations[0].signatories = vec![signatory("Miracle")];
        let changes = [
            change(
                "/trustCorporations/0/signatories/1/lastName",
                json!(null),
                json!("X"),
            ),
            change(
                "/trustCorporations/0/signatories/2/lastName",
                json!(null),
                json!("Y"),
            ),
            change(
                "/trustCorporations/0/signatories/0/lastName",
                json!("Morar"),
                json!(""),
            ),
        ];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/2/new", "field is required"),
                FieldError::new("/changes/0/key", "index out of range"),
                FieldError::new("/changes/1/key", "index out of range"),
            ]
        );
    }

    #[test]
    fn unknown_trust_corporation_is_out_of_range() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/trustCorporations/1/name",
            json!(null),
            json!("Other"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/key", "index out of range")]
        );
    }
}
