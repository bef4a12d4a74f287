//! `GET /profiles`: every caption profile, its extension, whether it can be read and
//! written, and its options. Public: the API Playground and scripts read it before signing in.

use crate::captions::FORMATS;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct Profile {
    name: &'static str,
    extension: &'static str,
    read: bool,
    write: bool,
    /// Options that change how the profile is written (`encode_options`). None yet.
    encode_options: Vec<serde_json::Value>,
    /// Options that change how the profile is read (`decode_options`). None yet.
    decode_options: Vec<serde_json::Value>,
}

#[derive(Serialize)]
pub struct Profiles {
    profiles: Vec<Profile>,
}

pub async fn list_profiles() -> Json<Profiles> {
    let profiles = FORMATS
        .iter()
        .map(|f| Profile {
            name: f.profile,
            extension: f.extension,
            read: f.read.is_some(),
            write: f.write.is_some(),
            encode_options: Vec::new(),
            decode_options: Vec::new(),
        })
        .collect();
    Json(Profiles { profiles })
}
