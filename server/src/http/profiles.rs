//! `GET /profiles`: every caption profile, its extension, whether it can be read and
//! written, and its options. Public: the API Playground and scripts read it before signing in.

use crate::captions::{Allowed, OptionSpec, FORMATS};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Serialize)]
pub struct Profile {
    name: &'static str,
    extension: &'static str,
    read: bool,
    write: bool,
    /// Options that change how the profile is written (`encode_options`).
    encode_options: Vec<Value>,
    /// Options that change how the profile is read (`decode_options`).
    decode_options: Vec<Value>,
}

#[derive(Serialize)]
pub struct Profiles {
    profiles: Vec<Profile>,
}

/// One option as `GET /profiles` shows it: name, type, allowed values, default, meaning.
fn option(spec: &OptionSpec) -> Value {
    let mut o = json!({ "name": spec.name, "default": spec.default, "description": spec.about });
    match spec.allowed {
        Allowed::OneOf(values) => {
            o["type"] = "string".into();
            o["values"] = json!(values);
        }
        Allowed::Integer { min, max } => {
            o["type"] = "integer".into();
            o["minimum"] = min.into();
            o["maximum"] = max.into();
        }
        Allowed::Bool => {
            o["type"] = "boolean".into();
            o["values"] = json!(["true", "false"]);
        }
    }
    o
}

pub async fn list_profiles() -> Json<Profiles> {
    let profiles = FORMATS
        .iter()
        .map(|f| Profile {
            name: f.profile,
            extension: f.extension,
            read: f.read.is_some(),
            write: f.write.is_some(),
            encode_options: f.encode_options.iter().map(option).collect(),
            decode_options: f.decode_options.iter().map(option).collect(),
        })
        .collect();
    Json(Profiles { profiles })
}
