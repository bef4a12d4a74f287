//! The API Playground (`/playground`): compose a Job Description with pickers and a JSON
//! editor that checks as you type, submit it with a file or a URL, read the answer, and
//! copy the equivalent `curl` and `ccjobs submit` commands.

use super::{load_failed, TopBar};
use crate::api::playground_profiles;
use crate::description::JobDescription;
use crate::erased::{Erase, SyncHydrated};
use crate::model::{JobType, ProfileInfo};
use leptos::prelude::*;
use serde_json::{Map, Value};

const FILE_INPUT: &str = "playground-file";
const STARTER: &str = "{\n  \"job_type\": \"convert\",\n  \"source_profile\": \"SubRip Video Subtitle Script\",\n  \"target_profile\": \"WebVTT\"\n}";

#[component]
pub fn Playground() -> impl IntoView {
    let profiles = Resource::new(|| (), |_| playground_profiles());
    view! {
        <TopBar/>
        <main class="page">
            <p><a href="/">"← All jobs"</a></p>
            <h1>"API Playground"</h1>
            <Transition fallback=|| SyncHydrated(view! { <p class="muted" role="status">"Loading profiles…"</p> })>
                {move || profiles.get().map(|result| match result {
                    Ok(profiles) => view! { <Composer profiles/> }.erase(),
                    Err(e) => load_failed(e),
                })}
            </Transition>
        </main>
    }
}

/// What the server answered to a submission.
#[derive(Clone)]
enum Answer {
    Job { id: String, json: String },
    Refused(String),
}

/// The text as a JSON object, if it is one.
fn object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// Why the Job Description cannot be submitted as it stands, if it cannot.
fn problem(text: &str, profiles: &[ProfileInfo]) -> Option<String> {
    let description = match JobDescription::parse(text) {
        Ok(d) => d,
        Err(e) => return Some(e.to_string()),
    };
    let fields = &description.fields;
    let unknown = |name: &Option<String>, side: &str, fits: fn(&ProfileInfo) -> bool| {
        let name = name.as_deref()?;
        let known = profiles.iter().any(|p| p.name == name && fits(p));
        (!known).then(|| {
            format!("{side} {name:?} is not a profile this server can use there; pick one from the list")
        })
    };
    unknown(&fields.source_profile, "source_profile", |p| p.read)
        .or_else(|| unknown(&fields.target_profile, "target_profile", |p| p.write))
}

/// Single quotes for a POSIX shell.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The `curl` and `ccjobs submit` commands for what is on screen.
#[cfg(test)]
fn commands(text: &str, source: &str) -> (String, String) {
    commands_for(object(text).as_ref(), text, source)
}

/// The same, from the text already parsed (`map`, when it is a JSON object).
fn commands_for(map: Option<&Map<String, Value>>, text: &str, source: &str) -> (String, String) {
    let config = map
        .map(|m| Value::Object(m.clone()).to_string())
        .unwrap_or_else(|| text.to_string());
    let is_url = source.starts_with("http://") || source.starts_with("https://");
    let source_arg = match (source.is_empty(), is_url) {
        (true, _) => "source=@episode.srt".to_string(),
        (false, true) => format!("source={source}"),
        (false, false) => format!("source=@{source}"),
    };
    let curl = format!(
        "curl -X POST \"$CCJOBS_URL/jobs\" -H \"x-api-key: $CCJOBS_API_KEY\" \\\n  -F {} \\\n  -F {}",
        quoted(&format!("config={config}")),
        quoted(&source_arg)
    );
    let mut cli = format!(
        "ccjobs submit {}",
        quoted(if source.is_empty() { "episode.srt" } else { source })
    );
    for (key, value) in map.into_iter().flatten() {
        let text = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        let flag = match key.as_str() {
            "job_type" => format!(" --type {}", quoted(&text)),
            "source_profile" => format!(" --source-profile {}", quoted(&text)),
            "target_profile" => format!(" --target-profile {}", quoted(&text)),
            _ => format!(" --set {}", quoted(&format!("{key}={}", value))),
        };
        cli.push_str(&flag);
    }
    (curl, cli)
}

/// A `<select>` that reads and writes one text field of the Job Description; disabled
/// while the JSON does not parse.
#[component]
fn FieldPicker(
    label: &'static str,
    key: &'static str,
    config: RwSignal<String>,
    /// The text, parsed once per edit for every picker.
    parsed: Memo<Option<Map<String, Value>>>,
    choices: Vec<String>,
) -> impl IntoView {
    let value = move || {
        parsed.with(|m| {
            m.as_ref()
                .and_then(|m| m.get(key).and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default()
        })
    };
    let change = move |ev: leptos::ev::Event| {
        if let Some(mut map) = parsed.get_untracked() {
            map.insert(key.to_string(), Value::String(event_target_value(&ev)));
            config.set(serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default());
        }
    };
    view! {
        <label>
            <span>{label}</span>
            <select prop:value=value on:change=change disabled=move || parsed.with(Option::is_none)>
                {choices
                    .into_iter()
                    .map(|choice| {
                        let (this, text) = (choice.clone(), choice.clone());
                        view! { <option value=choice selected=move || value() == this>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
fn Composer(profiles: Vec<ProfileInfo>) -> impl IntoView {
    let profiles = StoredValue::new(profiles);
    let config = RwSignal::new(STARTER.to_string());
    let file_name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Answer>);
    let busy = RwSignal::new(false);
    let problem = Memo::new(move |_| profiles.with_value(|p| problem(&config.read(), p)));
    let names = |fits: fn(&ProfileInfo) -> bool| {
        profiles.with_value(|list| {
            list.iter()
                .filter(|p| fits(p))
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        })
    };
    let (readable, writable) = (names(|p| p.read), names(|p| p.write));
    let job_types = [JobType::Convert, JobType::Transcribe, JobType::Translate]
        .map(|t| t.as_str().to_string())
        .to_vec();
    let source = move || match file_name.get() {
        name if !name.is_empty() => name,
        _ => url.get().trim().to_string(),
    };
    let parsed = Memo::new(move |_| object(&config.read()));
    let shown = Memo::new(move |_| parsed.with(|m| commands_for(m.as_ref(), &config.read(), &source())));
    let can_submit = move || problem.get().is_none() && !source().is_empty() && !busy.get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_submit() {
            return;
        }
        busy.set(true);
        let text = config.get_untracked();
        let link = url.get_untracked();
        leptos::task::spawn_local(async move {
            let result = crate::browser::post_job(&text, FILE_INPUT, link.trim()).await;
            answer.set(Some(match result {
                Ok((status, body)) => match serde_json::from_str::<Value>(&body) {
                    Ok(v) if (200..300).contains(&status) => Answer::Job {
                        id: v["id"].as_str().unwrap_or_default().to_string(),
                        json: serde_json::to_string_pretty(&v).unwrap_or(body),
                    },
                    Ok(v) => {
                        Answer::Refused(v["error"]["message"].as_str().map(str::to_string).unwrap_or(body))
                    }
                    Err(_) => Answer::Refused(format!("The server answered HTTP {status}: {body}")),
                },
                Err(e) => Answer::Refused(e),
            }));
            busy.set(false);
        });
    };
    view! {
        <form class="playground" on:submit=submit>
            <div class="pickers">
                <FieldPicker label="Job type" key="job_type" config parsed choices=job_types/>
                <FieldPicker label="Source profile" key="source_profile" config parsed choices=readable/>
                <FieldPicker label="Target profile" key="target_profile" config parsed choices=writable/>
            </div>
            <label class="stacked" for="job-description">"Job Description (JSON)"</label>
            <textarea
                id="job-description"
                class="json"
                rows="10"
                spellcheck="false"
                aria-describedby="job-description-check"
                aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
                prop:value=move || config.get()
                on:input=move |ev| config.set(event_target_value(&ev))
            ></textarea>
            <p id="job-description-check" class=move || if problem.get().is_some() { "alert" } else { "muted" } aria-live="polite">
                {move || problem.get().unwrap_or_else(|| "Valid Job Description.".into())}
            </p>
            <div class="sources">
                <label>
                    <span>"Source file"</span>
                    <input
                        id=FILE_INPUT
                        type="file"
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            let name = name.rsplit(['/', '\\']).next().unwrap_or_default().to_string();
                            file_name.set(name);
                        }
                    />
                </label>
                <label>
                    <span>"or source URL"</span>
                    <input
                        type="url"
                        placeholder="https://…/episode.srt"
                        prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <button type="submit" disabled=move || !can_submit()>
                {move || if busy.get() { "Submitting…" } else { "Submit" }}
            </button>
        </form>
        {move || answer.get().map(|a| match a {
            Answer::Job { id, json } => view! {
                <section aria-labelledby="response-title">
                    <h2 id="response-title">"Response"</h2>
                    <p><a href=format!("/jobs/{id}")>{format!("Open job {id}")}</a></p>
                    <pre class="json" tabindex="0">{json}</pre>
                </section>
            }.erase(),
            Answer::Refused(message) => view! {
                <section aria-labelledby="response-title">
                    <h2 id="response-title">"Response"</h2>
                    <p class="alert" role="alert">{message}</p>
                </section>
            }.erase(),
        })}
        <section aria-labelledby="commands-title">
            <h2 id="commands-title">"The same from a terminal"</h2>
            <p class="muted">"With CCJOBS_URL and CCJOBS_API_KEY set in your shell."</p>
            <pre aria-label="curl command" tabindex="0">{move || shown.with(|c| c.0.clone())}</pre>
            <pre aria-label="ccjobs command" tabindex="0">{move || shown.with(|c| c.1.clone())}</pre>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiles() -> Vec<ProfileInfo> {
        vec![
            ProfileInfo {
                name: "SubRip Video Subtitle Script".into(),
                read: true,
                write: true,
            },
            ProfileInfo {
                name: "Plain Text".into(),
                read: false,
                write: true,
            },
        ]
    }

    #[test]
    fn problems_point_at_the_line_and_column_or_the_profile() {
        assert_eq!(
            problem(STARTER.replace("WebVTT", "Plain Text").as_str(), &profiles()),
            None
        );
        let broken = "{\n  \"job_type\": \"convert\",\n  oops\n}";
        let p = problem(broken, &profiles()).expect("invalid");
        assert!(p.contains("line 3, column 3"), "{p}");
        let p = problem(
            &STARTER.replace("SubRip Video Subtitle Script", "Plain Text"),
            &profiles(),
        )
        .expect("invalid");
        assert!(p.contains("source_profile \"Plain Text\""), "{p}");
    }

    #[test]
    fn commands_match_the_screen() {
        let (curl, cli) = commands(
            "{\"job_type\":\"convert\",\"target_profile\":\"Web'VTT\",\"default_frameRate\":25}",
            "a b.srt",
        );
        assert!(curl.contains("-F 'source=@a b.srt'"), "{curl}");
        assert!(curl.contains(r#"'config={"job_type":"convert","#), "{curl}");
        assert_eq!(
            cli,
            "ccjobs submit 'a b.srt' --type 'convert' --target-profile 'Web'\\''VTT' --set 'default_frameRate=25'"
        );
    }
}
