//! Signatures: attorneys, trust corporations and the certificate provider.

use crate::model::FieldError;
use crate::model::{Address, Channel, Lang, Lpa, Signatory, Timestamp, TrustCorporation};

use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

/// `ATTORNEY_SIGN`: one attorney, addressed by index or UID, signs.
pub(super) fn attorney(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let mut chosen: Option<usize> = None;
    let mut mobile = String::new();
    let mut signed_at = Timestamp::zero();
    let mut language = Lang::default();
    let mut channel = Channel::default();
    let mut email = String::new();
    let snapshot = lpa.clone();
    let errors = Parser::new(changes)
        .prefix("/attorneys", false, |p| {
            p.each(|segment, p| {
                let Some(index) = snapshot.find_attorney(segment) else {
                    p.out_of_range();
                    return;
                };
                if chosen.is_some_and(|c| c != index) {
                    p.out_of_range();
                    return;
                }
                chosen = Some(index);
                let attorney = &snapshot.attorneys[index];
                mobile.clone_from(&attorney.mobile);
                signed_at = attorney.signed_at.unwrap_or_default();
                language = attorney.contact_language_preference.clone();
                channel = attorney.channel.clone();
                email.clone_from(&attorney.email);
                p.field("/mobile", &mut mobile, Rule::optional())
                    .field(
                        "/signedAt",
                        &mut signed_at,
                        Rule::required().with_validator(check::time_set),
                    )
                    .field(
                        "/contactLanguagePreference",
                        &mut language,
                        Rule::optional().with_validator(check::valid),
                    )
                    .field(
                        "/channel",
                        &mut channel,
                        Rule::optional().with_validator(check::valid),
                    )
                    .field("/email", &mut email, Rule::optional())
                    .consumed();
            })
            .consumed();
        })
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    let index = chosen.expect("a parse without errors chose an attorney");
    let attorney = &mut lpa.attorneys[index];
    if attorney.has_signed() {
        return Err(vec![FieldError::new("/type", "attorney cannot sign again")]);
    }
    attorney.mobile = mobile;
    attorney.signed_at = Some(signed_at);
    attorney.contact_language_preference = language;
    attorney.channel = channel;
    attorney.email = email;
    Ok(())
}

/// `TRUST_CORPORATION_SIGN`: one trust corporation, addressed by index or UID, signs through
/// one or two signatories.
pub(super) fn trust_corporation(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let current: &Lpa = lpa;
    let mut chosen: Option<(usize, TrustCorporationSignature)> = None;
    let errors = Parser::new(changes)
        .prefix("/trustCorporations", false, |p| {
            p.each(|segment, p| {
                let Some(index) = current.find_trust_corporation(segment) else {
                    p.out_of_range();
                    return;
                };
                if chosen.as_ref().is_some_and(|(c, _)| *c != index) {
                    p.out_of_range();
                    return;
                }
                let trust_corporation = &current.trust_corporations[index];
                let (_, signature) = chosen.get_or_insert_with(|| {
                    (index, TrustCorporationSignature::current(trust_corporation))
                });
                // As in the store, each group of keys for the trust corporation (by index,
                // then by UID, say) starts again from its stored company number, email and
                // channel, while the rest carries over.
                signature.restart_from(trust_corporation);
                signature.read(p);
            })
            .consumed();
        })
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    let (index, signature) = chosen.expect("a parse without errors chose a trust corporation");
    let trust_corporation = &mut lpa.trust_corporations[index];
    if trust_corporation
        .signatories
        .first()
        .is_some_and(|s| !s.signed_at.is_zero())
    {
        return Err(vec![FieldError::new(
            "/type",
            "trust corporation cannot sign again",
        )]);
    }
    signature.apply(trust_corporation);
    Ok(())
}

/// What a trust corporation's signature sets; each change's `old` is checked against the
/// starting value.
#[derive(Debug)]
struct TrustCorporationSignature {
    mobile: String,
    company_number: String,
    language: Lang,
    email: String,
    channel: Channel,
    /// At most two people sign for a corporation.
    signatories: [Signatory; 2],
}

impl TrustCorporationSignature {
    /// As in the store, only the company number, email and channel start from the trust
    /// corporation's values: the mobile, the language and the signatories start empty, so their
    /// `old` must be empty too.
    fn current(trust_corporation: &TrustCorporation) -> Self {
        Self {
            mobile: String::new(),
            company_number: trust_corporation.company_number.clone(),
            language: Lang::default(),
            email: trust_corporation.email.clone(),
            channel: trust_corporation.channel.clone(),
            signatories: Default::default(),
        }
    }

    fn restart_from(&mut self, trust_corporation: &TrustCorporation) {
        self.company_number
            .clone_from(&trust_corporation.company_number);
        self.email.clone_from(&trust_corporation.email);
        self.channel.clone_from(&trust_corporation.channel);
    }

    /// Reads the keys under `/trustCorporations/<i|uid>`.
    fn read(&mut self, p: &mut Parser) {
        let signatories = &mut self.signatories;
        p.field("/mobile", &mut self.mobile, Rule::required())
            .field(
                "/contactLanguagePreference",
                &mut self.language,
                Rule::required().with_validator(check::valid),
            )
            .field(
                "/companyNumber",
                &mut self.company_number,
                Rule::required().with_validator(check::not_empty),
            )
            .field("/email", &mut self.email, Rule::optional())
            .field(
                "/channel",
                &mut self.channel,
                Rule::optional().with_validator(check::valid),
            )
            .prefix("/signatories", false, |p| {
                // The first signatory is required, a second one optional, a third out of range.
                p.each_index(&[0], |index, p| match signatories.get_mut(index) {
                    Some(signatory) => read_signatory(signatory, p),
                    None => {
                        p.out_of_range();
                    }
                })
                .consumed();
            })
            .consumed();
    }

    fn apply(self, trust_corporation: &mut TrustCorporation) {
        let [first, second] = self.signatories;
        trust_corporation.mobile = self.mobile;
        trust_corporation.company_number = self.company_number;
        trust_corporation.contact_language_preference = self.language;
        trust_corporation.email = self.email;
        trust_corporation.channel = self.channel;
        trust_corporation.signatories = if second == Signatory::default() {
            vec![first]
        } else {
            vec![first, second]
        };
    }
}

/// Reads one signatory's keys; all four are required once any is given.
fn read_signatory(signatory: &mut Signatory, p: &mut Parser) {
    p.field("/firstNames", &mut signatory.first_names, Rule::required())
        .field("/lastName", &mut signatory.last_name, Rule::required())
        .field(
            "/professionalTitle",
            &mut signatory.professional_title,
            Rule::required(),
        )
        .field("/signedAt", &mut signatory.signed_at, Rule::required())
        .consumed();
}

/// `CERTIFICATE_PROVIDER_SIGN`: the certificate provider signs, optionally giving a new address
/// and, when moving from paper to online, an email and the channel.
pub(super) fn certificate_provider(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let provider = &lpa.certificate_provider;
    let mut address = provider.address.clone();
    let mut signed_at = provider.signed_at.unwrap_or_default();
    let mut language = provider.contact_language_preference.clone();
    let mut email = provider.email.clone();
    let mut channel = provider.channel.clone();
    let errors = Parser::new(changes)
        .prefix("/certificateProvider/address", true, |p| {
            read_address(&mut address, p);
        })
        .field(
            "/certificateProvider/signedAt",
            &mut signed_at,
            Rule::required().with_validator(check::time_set),
        )
        .field(
            "/certificateProvider/contactLanguagePreference",
            &mut language,
            Rule::optional().with_validator(check::valid),
        )
        .field(
            "/certificateProvider/email",
            &mut email,
            Rule::optional().with_validator(check::not_empty),
        )
        .field(
            "/certificateProvider/channel",
            &mut channel,
            Rule::optional().with_validator(check::valid),
        )
        .consumed()
        .finish();
    errors_or_ok(errors)?;
    let provider = &mut lpa.certificate_provider;
    if provider.signed_at.is_some_and(|at| !at.is_zero()) {
        return Err(vec![FieldError::new(
            "/type",
            "certificate provider cannot sign again",
        )]);
    }
    provider.address = address;
    provider.signed_at = Some(signed_at);
    provider.contact_language_preference = language;
    provider.email = email;
    provider.channel = channel;
    Ok(())
}

/// Reads a whole address: once any line is given, line 1, town and country must be too.
fn read_address(address: &mut Address, p: &mut Parser) {
    p.field("/line1", &mut address.line1, Rule::required())
        .field("/line2", &mut address.line2, Rule::optional())
        .field("/line3", &mut address.line3, Rule::optional())
        .field("/town", &mut address.town, Rule::required())
        .field("/postcode", &mut address.postcode, Rule::optional())
        .field(
            "/country",
            &mut address.country,
            Rule::required().with_validator(check::country),
        )
        .consumed();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, ATTORNEY_UID, TRUST_CORPORATION_UID, change, context};
    use super::*;

    #[test]
    fn attorney_signs_when_addressed_by_index() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/attorneys/0/signedAt",
                json!(null),
                json!("2024-01-10T09:00:00Z"),
            ),
            change("/attorneys/0/channel", json!("paper"), json!("online")),
            change("/attorneys/0/email", json!(null), json!("jake@example.com")),
        ];
        attorney(&changes, &mut lpa, &context()).unwrap();
        assert!(lpa.attorneys[0].has_signed());
        assert_eq!(lpa.attorneys[0].channel, Channel::ONLINE);
        assert_eq!(lpa.attorneys[0].email, "jake@example.com");
    }

    #[test]
    fn attorney_signs_when_addressed_by_uid_but_not_twice() {
        let mut lpa = fixture::lpa();
        let key = format!("/attorneys/{ATTORNEY_UID}/signedAt");
        let changes = [change(&key, json!(null), json!("2024-01-10T09:00:00Z"))];
        attorney(&changes, &mut lpa, &context()).unwrap();
        let again = [change(
            &key,
            json!("2024-01-10T09:00:00Z"),
            json!("2024-01-11T09:00:00Z"),
        )];
        let errors = attorney(&again, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/type", "attorney cannot sign again")]
        );
    }

    #[test]
    fn unknown_attorney_is_out_of_range() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/5/signedAt",
            json!(null),
            json!("2024-01-10T09:00:00Z"),
        )];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/key", "index out of range")]
        );
    }

    #[test]
    fn attorney_sign_without_signed_at_is_missing() {
        let mut lpa = fixture::lpa();
        let changes = [change("/attorneys/0/mobile", json!(null), json!("0777"))];
        let errors = attorney(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes", "missing /attorneys/0/signedAt")]
        );
    }

    /// A complete trust corporation signature by one signatory, under `/trustCorporations/<at>`.
    fn trust_corporation_signature(at: &str) -> Vec<Change> {
        let key = |rest: &str| format!("/trustCorporations/{at}{rest}");
        vec![
            change(&key("/mobile"), json!(null), json!("07700900000")),
            change(&key("/contactLanguagePreference"), json!(null), json!("cy")),
            // The fixture's corporation has no number yet, as in the real provider's.
            change(&key("/companyNumber"), json!(null), json!("575656565")),
            change(
                &key("/signatories/0/firstNames"),
                json!(null),
                json!("John"),
            ),
            change(
                &key("/signatories/0/lastName"),
                json!(null),
                json!("Signer"),
            ),
            change(
                &key("/signatories/0/professionalTitle"),
                json!(null),
                json!("Director"),
            ),
            change(
                &key("/signatories/0/signedAt"),
                json!(null),
                json!("2024-01-02T11:00:00Z"),
            ),
        ]
    }

    #[test]
    fn trust_corporation_signs_when_addressed_by_index() {
        let mut lpa = fixture::lpa();
        let mut changes = trust_corporation_signature("0");
        changes.extend([
            change(
                "/trustCorporations/0/email",
                json!(null),
                json!("trust@example.com"),
            ),
            change(
                "/trustCorporations/0/channel",
                json!("paper"),
                json!("online"),
            ),
        ]);
        trust_corporation(&changes, &mut lpa, &context()).unwrap();
        let signed = &lpa.trust_corporations[0];
        assert_eq!(signed.mobile, "07700900000");
        assert_eq!(signed.contact_language_preference, Lang::CY);
        assert_eq!(signed.company_number, "575656565");
        assert_eq!(signed.email, "trust@example.com");
        assert_eq!(signed.channel, Channel::ONLINE);
        assert_eq!(signed.signatories.len(), 1);
        assert_eq!(signed.signatories[0].professional_title, "Director");
        assert_eq!(
            Some(signed.signatories[0].signed_at),
            Timestamp::parse("2024-01-02T11:00:00Z")
        );
    }

    #[test]
    fn trust_corporation_signs_by_uid_with_a_second_signatory() {
        let mut lpa = fixture::lpa();
        let mut changes = trust_corporation_signature(TRUST_CORPORATION_UID);
        let key = |rest: &str| format!("/trustCorporations/{TRUST_CORPORATION_UID}{rest}");
        changes.extend([
            change(
                &key("/signatories/1/firstNames"),
                json!(null),
                json!("Jane"),
            ),
            change(&key("/signatories/1/lastName"), json!(null), json!("Smith")),
            change(
                &key("/signatories/1/professionalTitle"),
                json!(null),
                json!("Deputy Director"),
            ),
            change(
                &key("/signatories/1/signedAt"),
                json!(null),
                json!("2024-01-03T11:00:00Z"),
            ),
        ]);
        trust_corporation(&changes, &mut lpa, &context()).unwrap();
        let signatories = &lpa.trust_corporations[0].signatories;
        assert_eq!(signatories.len(), 2);
        assert_eq!(signatories[1].first_names, "Jane");
    }

    #[test]
    fn trust_corporation_cannot_sign_twice() {
        // Arrange: the first signatory has signed already.
        let mut lpa = fixture::lpa();
        let signed_at = Timestamp::parse("2024-01-01T10:00:00Z").expect("valid");
        lpa.trust_corporations[0].signatories = vec![Signatory {
            signed_at,
            ..Signatory::default()
        }];
        // As in the store, the signature's `old` values are empty whatever was signed before.
        let changes = trust_corporation_signature("0");

        // Act
        let errors = trust_corporation(&changes, &mut lpa, &context()).unwrap_err();

        // Assert
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "trust corporation cannot sign again"
            )]
        );
        assert_eq!(lpa.trust_corporations[0].mobile, "");
    }

    #[test]
    fn trust_corporation_sign_names_every_missing_key() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/trustCorporations/0/mobile",
            json!(null),
            json!("0777"),
        )];
        let errors = trust_corporation(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new(
                    "/changes",
                    "missing /trustCorporations/0/contactLanguagePreference"
                ),
                FieldError::new("/changes", "missing /trustCorporations/0/companyNumber"),
                FieldError::new("/changes", "missing /trustCorporations/0/signatories/..."),
            ]
        );
        let none = trust_corporation(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            none,
            vec![FieldError::new(
                "/changes",
                "missing /trustCorporations/..."
            )]
        );
    }

    #[test]
    fn trust_corporation_third_signatory_is_out_of_range_and_first_is_required() {
        let mut lpa = fixture::lpa();
        let mut changes = trust_corporation_signature("0");
        changes.retain(|c| !c.key.contains("/signatories/0/"));
        changes.extend([
            change(
                "/trustCorporations/0/signatories/1/firstNames",
                json!(null),
                json!("Jane"),
            ),
            change(
                "/trustCorporations/0/signatories/2/firstNames",
                json!(null),
                json!("Joe"),
            ),
            change(
                "/trustCorporations/0/signatories/first/lastName",
                json!(null),
                json!("Doe"),
            ),
        ]);
        let errors = trust_corporation(&changes, &mut lpa, &context()).unwrap_err();
        let missing = |key: &str| {
            FieldError::new(
                "/changes",
                format!("missing /trustCorporations/0/signatories/{key}"),
            )
        };
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/5/key", "require index"),
                missing("0/firstNames"),
                missing("0/lastName"),
                missing("0/professionalTitle"),
                missing("0/signedAt"),
                missing("1/lastName"),
                missing("1/professionalTitle"),
                missing("1/signedAt"),
                FieldError::new("/changes/4/key", "index out of range"),
            ]
        );
    }

    #[test]
    fn trust_corporation_sign_is_for_one_corporation_only() {
        let mut lpa = fixture::lpa();
        let mut second = lpa.trust_corporations[0].clone();
        second.uid = "5a1b9b3e-61c4-4bd4-b1c1-8f8a5b3c2d10".into();
        lpa.trust_corporations.push(second);
        let mut changes = trust_corporation_signature("0");
        changes.push(change(
            "/trustCorporations/1/mobile",
            json!(null),
            json!("0777"),
        ));
        let errors = trust_corporation(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/7/key", "index out of range")]
        );
    }

    #[test]
    fn trust_corporation_sign_checks_old_values_and_enumerations() {
        let mut lpa = fixture::lpa();
        let mut changes = trust_corporation_signature("0");
        changes[1].new = json!("xy");
        changes[2].old = json!("ABCD1234");
        changes.push(change(
            "/trustCorporations/0/channel",
            json!("paper"),
            json!("digital"),
        ));
        let errors = trust_corporation(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/1/new", "invalid value"),
                FieldError::new("/changes/2/old", "does not match existing value"),
                FieldError::new("/changes/7/new", "invalid value"),
            ]
        );
        assert!(lpa.trust_corporations[0].signatories.is_empty());
    }

    #[test]
    fn certificate_provider_signs_with_a_new_address_and_moves_online() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/certificateProvider/signedAt",
                json!(null),
                json!("2024-01-10T09:00:00Z"),
            ),
            change(
                "/certificateProvider/contactLanguagePreference",
                json!(null),
                json!("cy"),
            ),
            change(
                "/certificateProvider/address/line1",
                json!("71 South Western Terrace"),
                json!("1 New Street"),
            ),
            change(
                "/certificateProvider/address/town",
                json!("Milton"),
                json!("Leeds"),
            ),
            change(
                "/certificateProvider/address/country",
                json!("AU"),
                json!("GB"),
            ),
            change(
                "/certificateProvider/address/postcode",
                json!(null),
                json!("LS1 1AA"),
            ),
            change(
                "/certificateProvider/email",
                json!(null),
                json!("cp@example.com"),
            ),
            change(
                "/certificateProvider/channel",
                json!("paper"),
                json!("online"),
            ),
        ];
        certificate_provider(&changes, &mut lpa, &context()).unwrap();
        let provider = &lpa.certificate_provider;
        assert_eq!(provider.signed_at, Timestamp::parse("2024-01-10T09:00:00Z"));
        assert_eq!(provider.contact_language_preference, Lang::CY);
        assert_eq!(provider.address.line1, "1 New Street");
        assert_eq!(provider.address.postcode, "LS1 1AA");
        assert_eq!(provider.address.country, "GB");
        assert_eq!(provider.email, "cp@example.com");
        assert_eq!(provider.channel, Channel::ONLINE);
    }

    #[test]
    fn certificate_provider_cannot_sign_twice() {
        let mut lpa = fixture::lpa();
        let sign = [change(
            "/certificateProvider/signedAt",
            json!(null),
            json!("2024-01-10T09:00:00Z"),
        )];
        certificate_provider(&sign, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.certificate_provider.channel, Channel::PAPER);
        let again = [change(
            "/certificateProvider/signedAt",
            json!("2024-01-10T09:00:00Z"),
            json!("2024-01-11T09:00:00Z"),
        )];
        let errors = certificate_provider(&again, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "certificate provider cannot sign again"
            )]
        );
    }

    #[test]
    fn certificate_provider_address_needs_line1_town_and_a_country_code() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/certificateProvider/address/line3", json!(null), json!(1)),
            change(
                "/certificateProvider/address/country",
                json!("AU"),
                json!("x"),
            ),
            change("/donor/firstNames", json!(null), json!("John")),
        ];
        let errors = certificate_provider(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes", "missing /certificateProvider/address/line1"),
                FieldError::new("/changes/0/new", "unexpected type"),
                FieldError::new("/changes", "missing /certificateProvider/address/town"),
                FieldError::new("/changes/1/new", "must be a valid ISO-3166-1 country code"),
                FieldError::new("/changes", "missing /certificateProvider/signedAt"),
                FieldError::new("/changes/2", "unexpected change provided"),
            ]
        );
    }

    #[test]
    fn certificate_provider_email_must_not_be_emptied() {
        let mut lpa = fixture::lpa();
        lpa.certificate_provider.email = "cp@example.com".into();
        let changes = [
            change(
                "/certificateProvider/signedAt",
                json!(null),
                json!("2024-01-10T09:00:00Z"),
            ),
            change(
                "/certificateProvider/email",
                json!("cp@example.com"),
                json!(""),
            ),
        ];
        let errors = certificate_provider(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/1/new", "field is required")]
        );
        assert_eq!(lpa.certificate_provider.signed_at, None);
    }
}
