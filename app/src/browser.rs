//! The few browser facilities the dashboard uses: localStorage (gloo-storage), the
//! clipboard, the page's visibility and the local clock. On the server each is a no-op
//! or a neutral answer, so components can call them unconditionally.

/// Remembered preferences (localStorage keys).
pub const PAGE_SIZE_KEY: &str = "ccjobs.pageSize";
pub const AUTO_REFRESH_KEY: &str = "ccjobs.autoRefresh";

#[cfg(feature = "hydrate")]
mod imp {
    use gloo_storage::{LocalStorage, Storage};

    pub fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
        LocalStorage::get(key).ok()
    }

    pub fn save<T: serde::Serialize>(key: &str, value: &T) {
        // A full or disabled storage only loses the preference, never the action.
        let _ = LocalStorage::set(key, value);
    }

    pub fn page_hidden() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden())
    }

    /// A local date and time in the browser's locale.
    pub fn local_time(ms: i64) -> String {
        let date = js_sys::Date::new(&js_sys::wasm_bindgen::JsValue::from_f64(ms as f64));
        String::from(date.to_locale_string("default", &js_sys::wasm_bindgen::JsValue::UNDEFINED))
    }

    pub fn now_local_time() -> String {
        let date = js_sys::Date::new_0();
        String::from(date.to_locale_time_string("default"))
    }

    pub async fn copy_text(text: &str) -> Result<(), String> {
        let window = web_sys::window().ok_or("no window")?;
        let promise = window.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(|_| ())
            .map_err(|e| {
                e.as_string()
                    .unwrap_or_else(|| "the browser refused clipboard access".into())
            })
    }

    pub fn set_body_attribute(name: &str, value: &str) {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute(name, value);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn load<T>(_key: &str) -> Option<T> {
        None
    }

    pub fn save<T>(_key: &str, _value: &T) {}

    pub fn page_hidden() -> bool {
        false
    }

    pub fn local_time(ms: i64) -> String {
        crate::time::Timestamp(ms).to_display_utc()
    }

    pub fn now_local_time() -> String {
        String::new()
    }

    pub async fn copy_text(_text: &str) -> Result<(), String> {
        Err("copying needs the browser".into())
    }

    pub fn set_body_attribute(_name: &str, _value: &str) {}
}

pub use imp::*;
