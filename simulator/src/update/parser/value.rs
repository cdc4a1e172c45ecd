//! Reading a change's values: whether its `old` matches the current value (optimistic
//! concurrency), and decoding its `new` into the field's type, as Go's decoder does.

use serde_json::Value;

use crate::model::{Date, Timestamp};

/// A value an update can set: how `old` is compared with it and how `new` is decoded into it.
pub(crate) trait FieldValue: Sized + PartialEq {
    /// The empty or zero value, which a `null` `old` matches.
    fn is_empty_value(&self) -> bool;

    /// A JSON value other than `null` read as this type; `None` when its JSON type is wrong.
    fn from_json(value: &Value) -> Option<Self>;

    /// True when the `old` of a change matches this (current) value. `null` matches the empty
    /// or zero value.
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => self.is_empty_value(),
            old => Self::from_json(old).is_some_and(|old| old == *self),
        }
    }

    /// Decodes `new` into `self`. `null` leaves `self` unchanged, as Go's decoder does.
    /// `Err` means `new` has the wrong JSON type.
    fn decode(&mut self, new: &Value) -> Result<(), ()> {
        if !new.is_null() {
            *self = Self::from_json(new).ok_or(())?;
        }
        Ok(())
    }
}

impl FieldValue for String {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }

    fn from_json(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl FieldValue for bool {
    fn is_empty_value(&self) -> bool {
        !*self
    }

    fn from_json(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FieldValue for Timestamp {
    fn is_empty_value(&self) -> bool {
        self.is_zero()
    }

    /// A timestamp that does not parse is of the wrong type, as `time.Time` decodes it.
    fn from_json(value: &Value) -> Option<Self> {
        value.as_str().and_then(Self::parse)
    }

    /// An empty string matches the zero time too, though it does not decode as one.
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => self.is_zero(),
            Value::String(old) if old.is_empty() => self.is_zero(),
            old => Self::from_json(old).is_some_and(|old| old == *self),
        }
    }
}

impl FieldValue for Date {
    fn is_empty_value(&self) -> bool {
        self.is_zero()
    }

    /// Any string is a date, kept malformed when it does not parse (its validator says so).
    fn from_json(value: &Value) -> Option<Self> {
        value.as_str().map(Self::parse)
    }
}

/// The string enumerations of the model: empty when unset, any string otherwise.
macro_rules! string_field_value {
    ($($ty:ident),+) => {$(
        impl FieldValue for crate::model::$ty {
            fn is_empty_value(&self) -> bool {
                self.is_unset()
            }

            fn from_json(value: &Value) -> Option<Self> {
                value.as_str().map(Self::new)
            }
        }
    )+};
}

string_enums!(string_field_value);
