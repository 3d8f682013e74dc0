//! What a field of the tables holds, and the keys fields are known by.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{OnceLock, RwLock};

use rustc_hash::FxHashSet;
use serde::Deserialize;

/// The kind of figure a field holds: how it is shown and compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 万元, two decimals.
    #[default]
    Amount,
    /// A rate shown as a percentage with two decimals.
    Rate,
    /// Points and scores, two decimals.
    Score,
    /// Whole numbers (people, m²).
    Count,
}

/// A name from a template (a field's base name or a column suffix), interned: copying one is
/// free and comparing two compares pointers.
#[derive(Clone, Copy)]
pub struct Name(&'static str);

impl Name {
    pub fn new(text: &str) -> Name {
        static NAMES: OnceLock<RwLock<FxHashSet<&'static str>>> = OnceLock::new();
        let names = NAMES.get_or_init(Default::default);
        let known = names
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(text)
            .copied();
        let interned = known.unwrap_or_else(|| {
            let mut names = names.write().unwrap_or_else(|e| e.into_inner());
            match names.get(text) {
                Some(t) => t,
                // Templates name a few dozen fields: the set stays small.
                None => {
                    let leaked: &'static str = Box::leak(text.into());
                    names.insert(leaked);
                    leaked
                }
            }
        });
        Name(interned)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_ptr().hash(state);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

/// A located field: `staff.rate`, `sangong.final`, `special#0.budget`, `ind#3.score`. Shown
/// as that text; equal to the key its text parses to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldKey {
    /// The text before any `#` or `.`.
    pub field: Name,
    /// Which of a repeated row's instances, or which indicator row (`#N`).
    pub instance: Option<u16>,
    /// The text after the first `.`: a column suffix or the field's attribute.
    pub column: Option<Name>,
}

impl FieldKey {
    /// The key `text` names. Text that does not print back as itself (`a#01`) is kept whole.
    pub fn parse(text: &str) -> FieldKey {
        let whole = FieldKey {
            field: Name::new(text),
            instance: None,
            column: None,
        };
        let end = text.find(['#', '.']).unwrap_or(text.len());
        let (field, rest) = text.split_at(end);
        let (instance, rest) = match rest.strip_prefix('#') {
            Some(after) => {
                let digits = after.find('.').unwrap_or(after.len());
                let (n, rest) = after.split_at(digits);
                match n.parse::<u16>() {
                    Ok(i) if i.to_string() == n => (Some(i), rest),
                    _ => return whole,
                }
            }
            None => (None, rest),
        };
        let column = match rest.strip_prefix('.') {
            Some(c) if !c.is_empty() => Some(Name::new(c)),
            None if rest.is_empty() => None,
            _ => return whole,
        };
        if field.is_empty() {
            return whole;
        }
        FieldKey {
            field: Name::new(field),
            instance,
            column,
        }
    }

    /// A figure of the `row`th 绩效指标 row: `ind#3.score`.
    pub fn indicator(row: usize, column: &str) -> FieldKey {
        FieldKey {
            field: Name::new("ind"),
            instance: Some(row as u16),
            column: Some(Name::new(column)),
        }
    }

    /// A field with neither instance nor column.
    pub fn base(field: Name) -> FieldKey {
        FieldKey {
            field,
            instance: None,
            column: None,
        }
    }

    /// This key with `.column` after it.
    pub fn with_column(self, column: Name) -> FieldKey {
        if self.column.is_none() && self.is_split() {
            FieldKey {
                column: Some(column),
                ..self
            }
        } else {
            FieldKey::parse(&format!("{self}.{column}"))
        }
    }

    /// This key with `#instance` after it.
    pub fn with_instance(self, instance: u16) -> FieldKey {
        if self.column.is_none() && self.instance.is_none() && self.is_split() {
            FieldKey {
                instance: Some(instance),
                ..self
            }
        } else {
            FieldKey::parse(&format!("{self}#{instance}"))
        }
    }

    /// The key up to its `#`: the repeated field an instance belongs to (itself otherwise).
    pub fn repeated(self) -> FieldKey {
        match self.instance {
            Some(_) => FieldKey::base(self.field),
            None => self,
        }
    }

    /// The key without its `.column`, and the column.
    pub fn split_column(self) -> Option<(FieldKey, Name)> {
        let column = self.column?;
        Some((
            FieldKey {
                column: None,
                ..self
            },
            column,
        ))
    }

    /// Whether `field` holds only the text before any `#` or `.` (not a key kept whole).
    fn is_split(self) -> bool {
        !self.field.as_str().contains(['#', '.'])
    }
}

impl From<&str> for FieldKey {
    fn from(text: &str) -> FieldKey {
        FieldKey::parse(text)
    }
}

impl From<&FieldKey> for FieldKey {
    fn from(key: &FieldKey) -> FieldKey {
        *key
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.as_str())?;
        if let Some(i) = self.instance {
            write!(f, "#{i}")?;
        }
        if let Some(c) = self.column {
            write!(f, ".{c}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_print_as_they_parse() {
        for text in [
            "staff.rate",
            "sangong",
            "special#0.budget",
            "ind#12.score",
            "ind#3",
            "ind.points_header",
            "a#01",
            "a.b.c",
            "a#",
            "a.",
            ".a",
            "#1",
            "x#1y",
        ] {
            assert_eq!(FieldKey::parse(text).to_string(), text);
        }
        let ind = FieldKey::base(Name::new("ind"));
        assert_eq!(
            ind.with_instance(3).with_column(Name::new("score")),
            FieldKey::parse("ind#3.score")
        );
        let odd = FieldKey::parse("a#01");
        assert_eq!(odd.with_column(Name::new("x")), FieldKey::parse("a#01.x"));
        assert_eq!(
            FieldKey::parse("staff.rate").with_instance(2),
            FieldKey::parse("staff.rate#2")
        );
        assert_eq!(
            FieldKey::parse("special#1.final").repeated().to_string(),
            "special"
        );
    }
}
