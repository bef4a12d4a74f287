//! How the dashboard's data travel to the browser: postcard, a compact binary form of the
//! same serde types, both in server functions' answers and in the server-rendered page.
//!
//! JSON would need `serde_json`'s reader in the WASM bundle, and with it float parsing and
//! printing: about a tenth of the dashboard's bundle (docs/PERFORMANCE.md). The REST API
//! speaks JSON as before; only the dashboard's own calls are binary.

use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// A resource codec: postcard, written into the page as base64 by Leptos.
pub struct Postcard;

impl<T: Serialize> Encoder<T> for Postcard {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Postcard {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}
