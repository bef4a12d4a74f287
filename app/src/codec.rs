//! How a resource's data travels from the server-rendered page to the browser: JSON, read
//! with the same `serde_json` reader as server functions' answers.
//!
//! Leptos' default resource codec reads with `serde_json::from_str`, server functions with
//! `serde_json::from_slice`. Each reader compiles its own copy of every type's JSON
//! deserializer into the WASM bundle; reading resources through `from_slice` as well keeps
//! one copy.

use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// JSON, decoded as server functions decode it.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}
