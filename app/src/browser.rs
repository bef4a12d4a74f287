//! The few browser facilities the dashboard uses: localStorage (gloo-storage), the
//! clipboard, the page's visibility and the local clock. On the server each is a no-op
//! or a neutral answer, so components can call them unconditionally.

/// Remembered preferences (localStorage keys).
pub const PAGE_SIZE_KEY: &str = "ccjobs.pageSize";
pub const AUTO_REFRESH_KEY: &str = "ccjobs.autoRefresh";

#[cfg(feature = "hydrate")]
mod imp {
    use gloo_storage::{LocalStorage, Storage};

    /// gloo-storage's handle on localStorage, asked for only where the browser has one
    /// (`raw()` throws where it has none, as in a sandboxed frame).
    fn local_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()?;
        Some(LocalStorage::raw())
    }

    // Preferences are numbers and booleans, stored as their text (which is also their JSON,
    // as gloo-storage's typed `get`/`set` wrote them before): those would bring serde_json
    // (17 KB brotli) into the dashboard's bundle for two settings.
    pub fn load<T: std::str::FromStr>(key: &str) -> Option<T> {
        local_storage()?.get_item(key).ok()??.parse().ok()
    }

    pub fn save<T: std::fmt::Display>(key: &str, value: &T) {
        // A full or disabled storage only loses the preference, never the action.
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(key, &value.to_string());
        }
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

    /// Submits a job as the Playground does: `POST /jobs` with the session cookie, the
    /// config, and either the file chosen in the input `file_input_id` or `url`.
    /// Answers the HTTP status and the body text.
    pub async fn post_job(config: &str, file_input_id: &str, url: &str) -> Result<(u16, String), String> {
        use js_sys::wasm_bindgen::JsCast;
        let fail = |what: &str| format!("the browser could not {what}; reload the page and try again");
        let window = web_sys::window().ok_or_else(|| fail("find its window"))?;
        let form = web_sys::FormData::new().map_err(|_| fail("build the form"))?;
        form.append_with_str("config", config)
            .map_err(|_| fail("build the form"))?;
        let file = window
            .document()
            .and_then(|d| d.get_element_by_id(file_input_id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        match file {
            Some(file) => form.append_with_blob_and_filename("source", &file, &file.name()),
            None => form.append_with_str("source", url),
        }
        .map_err(|_| fail("add the source to the form"))?;
        let headers = web_sys::Headers::new().map_err(|_| fail("build the request"))?;
        headers
            .set("ccjobs-source", "playground")
            .map_err(|_| fail("build the request"))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        init.set_headers(&headers);
        init.set_body(&form);
        let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init("/jobs", &init))
            .await
            .map_err(|_| {
                "the server could not be reached; check your connection and try again".to_string()
            })?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| fail("read the answer"))?;
        let text = response.text().map_err(|_| fail("read the answer"))?;
        let text = wasm_bindgen_futures::JsFuture::from(text)
            .await
            .map_err(|_| fail("read the answer"))?;
        Ok((response.status(), text.as_string().unwrap_or_default()))
    }

    pub fn reload() {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
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

    pub async fn post_job(_config: &str, _file_input_id: &str, _url: &str) -> Result<(u16, String), String> {
        Err("submitting needs the browser".into())
    }

    pub fn reload() {}

    pub fn set_body_attribute(_name: &str, _value: &str) {}
}

pub use imp::*;
