//! A profile's `encode_options` / `decode_options`: what each option is, the values it
//! takes and its default; and a job's options checked against them.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// One of these words (matched ignoring case; stored as spelled here).
    OneOf(&'static [&'static str]),
    /// A whole number in this range.
    Integer { min: i64, max: i64 },
    /// `true` or `false`.
    Bool,
}

/// One option of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub allowed: Allowed,
    pub default: &'static str,
    /// One sentence for `GET /profiles` and the Playground.
    pub about: &'static str,
}

impl OptionSpec {
    /// The allowed values in words, for error messages.
    pub fn allowed_text(&self) -> String {
        match self.allowed {
            Allowed::OneOf(values) => values.join(", "),
            Allowed::Integer { min, max } => format!("a whole number from {min} to {max}"),
            Allowed::Bool => "true, false".into(),
        }
    }

    /// `value` in this option's canonical spelling, or `None` if it is not allowed.
    fn accept(&self, value: &Value) -> Option<String> {
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        match self.allowed {
            Allowed::OneOf(values) => values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(&text))
                .map(|v| v.to_string()),
            Allowed::Integer { min, max } => text
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(|n| n.to_string()),
            Allowed::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some("true".into()),
                "false" | "no" | "0" => Some("false".into()),
                _ => None,
            },
        }
    }
}

/// A job's options for one profile, each checked against the profile's [`OptionSpec`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    values: BTreeMap<&'static str, String>,
    specs: &'static [OptionSpec],
}

impl Options {
    /// Checks `given` (the Job Description's `field`, e.g. `encode_options`) against the
    /// options `profile` has. Names are matched ignoring case and `_`/space differences.
    pub fn check(
        field: &str,
        profile: &str,
        specs: &'static [OptionSpec],
        given: Option<&Map<String, Value>>,
    ) -> Result<Options, String> {
        let mut values = BTreeMap::new();
        for (name, value) in given.into_iter().flatten() {
            let key = |s: &str| s.to_ascii_lowercase().replace([' ', '-'], "_");
            let Some(spec) = specs.iter().find(|s| key(s.name) == key(name)) else {
                let known = if specs.is_empty() {
                    format!("\"{profile}\" has no {field}")
                } else {
                    format!(
                        "the {field} of \"{profile}\" are: {}",
                        specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                    )
                };
                return Err(format!("{field}.{name} is not an option here: {known}"));
            };
            let accepted = spec.accept(value).ok_or_else(|| {
                format!(
                    "{field}.{} is {value}, which \"{profile}\" does not allow; use {}",
                    spec.name,
                    spec.allowed_text()
                )
            })?;
            values.insert(spec.name, accepted);
        }
        Ok(Options { values, specs })
    }

    /// Every option at its default.
    pub fn defaults(specs: &'static [OptionSpec]) -> Options {
        Options {
            values: BTreeMap::new(),
            specs,
        }
    }

    /// The option's value, else its default ("" for an option the profile does not have).
    pub fn get(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| **n == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.specs.iter().find(|s| s.name == name).map(|s| s.default))
            .unwrap_or("")
    }

    /// An integer option's value (0 when it has none).
    pub fn int(&self, name: &str) -> i64 {
        self.get(name).parse().unwrap_or(0)
    }

    /// A boolean option's value.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name) == "true"
    }

    /// Options given outright, for tests and tools: each name and value as written.
    pub fn from_pairs(specs: &'static [OptionSpec], pairs: &[(&str, &str)]) -> Result<Options, String> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        Options::check("options", "this profile", specs, Some(&map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPECS: &[OptionSpec] = &[
        OptionSpec {
            name: "channel",
            allowed: Allowed::OneOf(&["auto", "ch01", "ch02"]),
            default: "auto",
            about: "",
        },
        OptionSpec {
            name: "line_length",
            allowed: Allowed::Integer { min: 1, max: 32 },
            default: "32",
            about: "",
        },
    ];

    #[test]
    fn values_are_checked_and_defaults_apply() {
        let given: Map<String, Value> =
            serde_json::from_str(r#"{"Channel":"CH02","line_length":20}"#).expect("json");
        let o = Options::check("decode_options", "P", SPECS, Some(&given)).expect("valid");
        assert_eq!((o.get("channel"), o.int("line_length")), ("ch02", 20));
        let o = Options::check("decode_options", "P", SPECS, None).expect("valid");
        assert_eq!((o.get("channel"), o.int("line_length")), ("auto", 32));
    }

    #[test]
    fn errors_name_the_option_the_value_and_what_is_allowed() {
        let bad: Map<String, Value> = serde_json::from_str(r#"{"channel":"ch09"}"#).expect("json");
        assert_eq!(
            Options::check("decode_options", "Scenarist V1.0 (SCC)", SPECS, Some(&bad)).unwrap_err(),
            "decode_options.channel is \"ch09\", which \"Scenarist V1.0 (SCC)\" does not allow; use auto, ch01, ch02"
        );
        let bad: Map<String, Value> = serde_json::from_str(r#"{"line_length":40}"#).expect("json");
        assert!(Options::check("encode_options", "P", SPECS, Some(&bad))
            .unwrap_err()
            .ends_with("use a whole number from 1 to 32"));
        let unknown: Map<String, Value> = serde_json::from_str(r#"{"colour":1}"#).expect("json");
        assert_eq!(
            Options::check("encode_options", "WebVTT", &[], Some(&unknown)).unwrap_err(),
            "encode_options.colour is not an option here: \"WebVTT\" has no encode_options"
        );
    }
}
