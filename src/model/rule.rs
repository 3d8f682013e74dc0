//! The ids of the rules (RULES.md §3), as findings carry them.

use std::fmt;
use std::hash::{Hash, Hasher};

/// A rule id: one of RULES.md's, or one a user's template defines ([`RuleId::from`]).
/// Compared, hashed and serialised as its code ("B1", "Z9").
#[derive(Debug, Clone)]
pub enum RuleId {
    B1,
    B2,
    B3,
    B4,
    B5,
    B6,
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    S7,
    S8,
    S9,
    S10,
    X1,
    V1,
    R1,
    R2,
    R3,
    /// An id beyond RULES.md, from a template file.
    Other(Box<str>),
}

impl RuleId {
    /// The ids of RULES.md in its order (§3, then V1 for cells that cannot be read, §2), then the
    /// checks of the 自评报告's text (R1–R3).
    pub const KNOWN: [RuleId; 21] = [
        RuleId::B1,
        RuleId::B2,
        RuleId::B3,
        RuleId::B4,
        RuleId::B5,
        RuleId::B6,
        RuleId::S1,
        RuleId::S2,
        RuleId::S3,
        RuleId::S4,
        RuleId::X1,
        RuleId::S5,
        RuleId::S6,
        RuleId::S7,
        RuleId::S8,
        RuleId::S9,
        RuleId::S10,
        RuleId::V1,
        RuleId::R1,
        RuleId::R2,
        RuleId::R3,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            RuleId::B1 => "B1",
            RuleId::B2 => "B2",
            RuleId::B3 => "B3",
            RuleId::B4 => "B4",
            RuleId::B5 => "B5",
            RuleId::B6 => "B6",
            RuleId::S1 => "S1",
            RuleId::S2 => "S2",
            RuleId::S3 => "S3",
            RuleId::S4 => "S4",
            RuleId::S5 => "S5",
            RuleId::S6 => "S6",
            RuleId::S7 => "S7",
            RuleId::S8 => "S8",
            RuleId::S9 => "S9",
            RuleId::S10 => "S10",
            RuleId::X1 => "X1",
            RuleId::V1 => "V1",
            RuleId::R1 => "R1",
            RuleId::R2 => "R2",
            RuleId::R3 => "R3",
            RuleId::Other(code) => code,
        }
    }
}

impl From<&str> for RuleId {
    fn from(code: &str) -> Self {
        RuleId::KNOWN
            .into_iter()
            .find(|id| id.as_str() == code)
            .unwrap_or_else(|| RuleId::Other(code.into()))
    }
}

impl From<String> for RuleId {
    fn from(code: String) -> Self {
        RuleId::from(code.as_str())
    }
}

/// Reads as its code wherever a `&str` is wanted.
impl std::ops::Deref for RuleId {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for RuleId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RuleId {}

impl Hash for RuleId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<RuleId> for String {
    fn eq(&self, other: &RuleId) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<RuleId> for &str {
    fn eq(&self, other: &RuleId) -> bool {
        *self == other.as_str()
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_kept() {
        for id in RuleId::KNOWN {
            assert_eq!(RuleId::from(id.as_str()), id);
            assert!(!matches!(RuleId::from(id.as_str()), RuleId::Other(_)));
        }
        assert_eq!(RuleId::from("Z9").as_str(), "Z9");
        assert_eq!(RuleId::Other("S10".into()), RuleId::S10);
        assert_eq!(serde_json::to_string(&RuleId::S10).unwrap(), "\"S10\"");
    }
}
