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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescriptionFields {
    pub job_type: Option<JobType>,
    pub source_profile: Option<String>,
    pub target_profile: Option<String>,
    /// `default_frameRate`
    pub default_frame_rate: Option<String>,
    /// `default_dropFrame`
    pub default_drop_frame: Option<bool>,
    /// `source_frameRate`
    pub source_frame_rate: Option<String>,
    /// `target_frameRate`
    pub target_frame_rate: Option<String>,
    pub offset: Option<String>,
    pub offset_type: Option<String>,
    pub incode: Option<String>,
    /// `encode_options`, also accepted as `encoding_options`.
    pub encode_options: Option<Map<String, Value>>,
    /// `decode_options`, also accepted as `decoding_options`.
    pub decode_options: Option<Map<String, Value>>,
    pub media_path: Option<String>,
    pub transcribe_options: Option<Map<String, Value>>,
    pub translate_options: Option<Map<String, Value>>,
    pub webhook: Option<String>,
    /// Everything else that was submitted, kept as is.
    pub extra: Map<String, Value>,
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
    #[error("config field {field:?} must be {expected}, but it is {found}")]
    FieldType {
        field: String,
        expected: &'static str,
        found: String,
    },
    #[error("{0}")]
    Word(#[from] crate::model::UnknownWord),
    #[error("config has no job_type; set \"job_type\" to one of: convert, transcribe, translate")]
    MissingJobType,
}

/// Reads the known fields by hand rather than through serde's `flatten`: errors name the
/// field, and the WASM bundle stays smaller.
impl DescriptionFields {
    fn from_object(object: &Map<String, Value>) -> Result<Self, DescriptionError> {
        let mut f = DescriptionFields::default();
        for (key, value) in object {
            if value.is_null() {
                continue;
            }
            let wrong = |expected: &'static str| DescriptionError::FieldType {
                field: key.clone(),
                expected,
                found: describe(value),
            };
            let text = || {
                value
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| wrong("a string"))
            };
            // Frame rates and timecodes arrive as numbers (`29.97`) or strings (`"auto"`).
            let number_or_text = || match value {
                Value::Number(n) => Ok(n.to_string()),
                Value::String(s) => Ok(s.clone()),
                _ => Err(wrong("a number or a string")),
            };
            let object = || value.as_object().cloned().ok_or_else(|| wrong("an object"));
            match key.as_str() {
                "job_type" => f.job_type = Some(text()?.parse()?),
                "source_profile" => f.source_profile = Some(text()?),
                "target_profile" => f.target_profile = Some(text()?),
                "default_frameRate" => f.default_frame_rate = Some(number_or_text()?),
                "default_dropFrame" => {
                    f.default_drop_frame = Some(value.as_bool().ok_or_else(|| wrong("true or false"))?)
                }
                "source_frameRate" => f.source_frame_rate = Some(number_or_text()?),
                "target_frameRate" => f.target_frame_rate = Some(number_or_text()?),
                "offset" => f.offset = Some(number_or_text()?),
                "offset_type" => f.offset_type = Some(text()?),
                "incode" => f.incode = Some(number_or_text()?),
                "encode_options" | "encoding_options" => f.encode_options = Some(object()?),
                "decode_options" | "decoding_options" => f.decode_options = Some(object()?),
                "media_path" => f.media_path = Some(text()?),
                "transcribe_options" => f.transcribe_options = Some(object()?),
                "translate_options" => f.translate_options = Some(object()?),
                "webhook" => f.webhook = Some(text()?),
                _ => {
                    f.extra.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(f)
    }
}

/// "the string \"yes\"", "a number (5)", "an array".
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        other => kind_of(other).to_string(),
    }
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
        let Some(object) = value.as_object() else {
            return Err(DescriptionError::NotAnObject {
                found: kind_of(&value),
            });
        };
        let fields = DescriptionFields::from_object(object)?;
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
        assert_eq!(
            err.to_string(),
            "config field \"default_dropFrame\" must be true or false, but it is the string \"yes\""
        );
        let err = JobDescription::parse(r#"{"job_type":"convert","encode_options":[1]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "config field \"encode_options\" must be an object, but it is an array"
        );
        let err = JobDescription::parse(r#"{"job_type":"convertt"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "job_type \"convertt\" is not recognised; use one of: convert, transcribe, translate"
        );
        assert_eq!(
            JobDescription::parse("{}").unwrap_err(),
            DescriptionError::MissingJobType
        );
    }
}
