//! How a key is read: required or optional, and the validators of decoded values, with the
//! store's messages.

/// A field validator: `Some(detail)` when the decoded value is not acceptable.
pub(crate) type Validator<T> = fn(&T) -> Option<&'static str>;

/// How a key is read: required or optional, with or without a validator.
#[derive(Debug)]
pub(crate) struct Rule<T> {
    pub(super) optional: bool,
    pub(super) validator: Option<Validator<T>>,
}

// Written by hand: deriving would require `T: Copy`, but a rule holds only a flag and a
// function pointer.
impl<T> Clone for Rule<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Rule<T> {}

impl<T> Rule<T> {
    /// The key must be present.
    pub(crate) fn required() -> Self {
        Self {
            optional: false,
            validator: None,
        }
    }

    /// The key may be left out.
    pub(crate) fn optional() -> Self {
        Self {
            optional: true,
            validator: None,
        }
    }

    /// Checks the decoded value with `validator`.
    pub(crate) fn with_validator(mut self, validator: Validator<T>) -> Self {
        self.validator = Some(validator);
        self
    }
}

/// Common validators, with the store's messages.
pub(crate) mod check {
    use crate::model::{Date, Timestamp};

    /// A string that must not be empty.
    #[expect(clippy::ptr_arg, reason = "validators are fn(&T) for every field type")]
    pub(crate) fn not_empty(value: &String) -> Option<&'static str> {
        value.is_empty().then_some("field is required")
    }

    /// A string that must be left empty, for keys that only make sense in another mode.
    #[expect(
        clippy::ptr_arg,
        reason = "a validator takes its field's own type, here String"
    )]
    pub(crate) fn empty(value: &String) -> Option<&'static str> {
        (!value.is_empty()).then_some("field must not be provided")
    }

    /// A timestamp that must be set.
    pub(crate) fn time_set(value: &Timestamp) -> Option<&'static str> {
        value.is_zero().then_some("field is required")
    }

    /// A date that must be set and well formed.
    pub(crate) fn date_set(value: &Date) -> Option<&'static str> {
        if value.is_malformed() {
            Some("invalid format")
        } else if value.is_zero() {
            Some("field is required")
        } else {
            None
        }
    }

    /// An ISO 3166-1 alpha-2 country code (two upper-case letters).
    #[expect(clippy::ptr_arg, reason = "validators are fn(&T) for every field type")]
    pub(crate) fn country(value: &String) -> Option<&'static str> {
        let valid = value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase());
        (!valid).then_some("must be a valid ISO-3166-1 country code")
    }

    /// Generates `valid`/`valid_or_unset` checks for the string enumerations.
    macro_rules! enum_checks {
        ($($ty:ident),+) => {
            /// One of the type's values.
            pub(crate) fn valid<T: EnumLike>(value: &T) -> Option<&'static str> {
                if value.unset() {
                    Some("field is required")
                } else if !value.valid() {
                    Some("invalid value")
                } else {
                    None
                }
            }

            /// A string enumeration, for [`valid`].
            pub(crate) trait EnumLike {
                /// Empty.
                fn unset(&self) -> bool;
                /// One of the type's values.
                fn valid(&self) -> bool;
            }

            $(impl EnumLike for crate::model::$ty {
                fn unset(&self) -> bool { self.is_unset() }
                fn valid(&self) -> bool { self.is_valid() }
            })+
        };
    }

    string_enums!(enum_checks);
}
