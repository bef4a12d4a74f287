//! The Job Description: the submitted JSON config, kept verbatim and parsed into typed fields.
//!
//! Field names follow the hosted service's API (`default_frameRate`, `encode_options`, …)
//! so existing scripts keep working. Unknown fields are kept in `extra`, never dropped.

use crate::model::JobType;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A submitted Job Description.
#[derive(Clone, Debug, PartialEq)]
pub struct JobDescription {
    raw: String,
    value: Value,
    pub fields: DescriptionFields,
}

/// The typed view of a Job Description.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DescriptionFields {
    pub job_type: Option<JobType>,
    pub source_profile: Option<String>,
    pub target_profile: Option<String>,
    #[serde(rename = "default_frameRate", default, deserialize_with = "number_or_string")]
    pub default_frame_rate: Option<String>,
    #[serde(rename = "default_dropFrame")]
    pub default_drop_frame: Option<bool>,
    #[serde(rename = "source_frameRate", default, deserialize_with = "number_or_string")]
    pub source_frame_rate: Option<String>,
    #[serde(rename = "target_frameRate", default, deserialize_with = "number_or_string")]
    pub target_frame_rate: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub offset: Option<String>,
    pub offset_type: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub incode: Option<String>,
    #[serde(alias = "encoding_options")]
    pub encode_options: Option<Map<String, Value>>,
    #[serde(alias = "decoding_options")]
    pub decode_options: Option<Map<String, Value>>,
    pub media_path: Option<String>,
    pub transcribe_options: Option<Map<String, Value>>,
    pub translate_options: Option<Map<String, Value>>,
    pub webhook: Option<String>,
    /// Everything else that was submitted, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Frame rates and timecodes arrive as numbers (`29.97`) or strings (`"auto"`).
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrString {
        Number(serde_json::Number),
        String(String),
    }
    Ok(Option::<NumberOrString>::deserialize(d)?.map(|v| match v {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s,
    }))
}

/// Why a Job Description was refused. Each message says where and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DescriptionError {
    #[error("config is not valid JSON: {message} at line {line}, column {column}; fix the Job Description and submit again")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("config must be a JSON object such as {{\"job_type\":\"convert\",…}}, but it is {found}")]
    NotAnObject { found: &'static str },
    #[error("config has a field with the wrong type: {message} at line {line}, column {column}")]
    FieldType {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("config has no job_type; set \"job_type\" to one of: convert, transcribe, translate")]
    MissingJobType,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl JobDescription {
    /// Parses a submitted config string. The text is kept exactly as given.
    pub fn parse(raw: &str) -> Result<Self, DescriptionError> {
        let value: Value = serde_json::from_str(raw).map_err(|e| DescriptionError::Syntax {
            message: strip_position(&e),
            line: e.line(),
            column: e.column(),
        })?;
        if !value.is_object() {
            return Err(DescriptionError::NotAnObject {
                found: kind_of(&value),
            });
        }
        let fields: DescriptionFields =
            serde_json::from_str(raw).map_err(|e| DescriptionError::FieldType {
                message: strip_position(&e),
                line: e.line(),
                column: e.column(),
            })?;
        if fields.job_type.is_none() {
            return Err(DescriptionError::MissingJobType);
        }
        Ok(Self {
            raw: raw.to_string(),
            value,
            fields,
        })
    }

    /// The config exactly as submitted.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The config as a JSON value (field order preserved).
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn job_type(&self) -> JobType {
        self.fields.job_type.unwrap_or(JobType::Convert)
    }

    /// The frame rate the table shows: the source's, else the default, else the target's.
    pub fn frame_rate(&self) -> Option<String> {
        let f = &self.fields;
        let rate = f
            .source_frame_rate
            .clone()
            .or_else(|| f.default_frame_rate.clone())
            .or_else(|| f.target_frame_rate.clone())?;
        Some(match f.default_drop_frame {
            Some(true) => format!("{rate} DF"),
            _ => rate,
        })
    }
}

/// serde_json appends " at line L column C"; we say it our way.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Serialize for JobDescription {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JobDescription {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let raw = value.to_string();
        JobDescription::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_and_unknown_fields() {
        let raw = r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script",
            "target_profile":"WebVTT","default_frameRate":29.97,"default_dropFrame":true,
            "encoding_options":{"Channel":"ch01"},"customer_ref":"PO-77"}"#;
        let d = JobDescription::parse(raw).expect("valid");
        assert_eq!(d.raw(), raw);
        assert_eq!(d.job_type(), JobType::Convert);
        assert_eq!(d.fields.default_frame_rate.as_deref(), Some("29.97"));
        assert_eq!(d.frame_rate().as_deref(), Some("29.97 DF"));
        assert!(d.fields.encode_options.is_some(), "encoding_options is an alias");
        assert_eq!(d.fields.extra.get("customer_ref"), Some(&Value::from("PO-77")));
        let back = serde_json::to_string(&d).expect("serialises");
        assert!(back.contains("\"customer_ref\":\"PO-77\""), "{back}");
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = JobDescription::parse("{\n  \"job_type\": \"convert\",\n  oops\n}").unwrap_err();
        assert!(
            matches!(
                err,
                DescriptionError::Syntax {
                    line: 3,
                    column: 3,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("at line 3, column 3"), "{err}");
    }

    #[test]
    fn wrong_shapes_are_explained() {
        assert_eq!(
            JobDescription::parse("[1]").unwrap_err().to_string(),
            "config must be a JSON object such as {\"job_type\":\"convert\",…}, but it is an array"
        );
        let err = JobDescription::parse(r#"{"job_type":"convert","default_dropFrame":"yes"}"#).unwrap_err();
        assert!(matches!(err, DescriptionError::FieldType { .. }), "{err:?}");
        let err = JobDescription::parse(r#"{"job_type":"convertt"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `convertt`"), "{err}");
        assert_eq!(
            JobDescription::parse("{}").unwrap_err(),
            DescriptionError::MissingJobType
        );
    }
}
