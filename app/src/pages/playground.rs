//! The API Playground (`/playground`): compose a Job Description with pickers and a JSON
//! editor that checks as you type, submit it with a file or a URL, read the answer, and
//! copy the equivalent `curl` and `ccjobs submit` commands.

use super::{load_failed, TopBar};
use crate::api::playground_profiles;
use crate::description::JobDescription;
use crate::erased::{Erase, SyncHydrated};
use crate::model::{JobType, ProfileInfo, ProfileOption};
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
        .or_else(|| {
            let decode = |p: &ProfileInfo| p.decode_options.clone();
            option_problem(
                "decode_options",
                &fields.source_profile,
                &fields.decode_options,
                profiles,
                decode,
            )
        })
        .or_else(|| {
            let encode = |p: &ProfileInfo| p.encode_options.clone();
            option_problem(
                "encode_options",
                &fields.target_profile,
                &fields.encode_options,
                profiles,
                encode,
            )
        })
}

/// Why `field` (e.g. `encode_options`) does not fit the profile, in the words the server
/// would fail the job with.
fn option_problem(
    field: &str,
    profile: &Option<String>,
    given: &Option<Map<String, Value>>,
    profiles: &[ProfileInfo],
    options_of: fn(&ProfileInfo) -> Vec<ProfileOption>,
) -> Option<String> {
    let (given, name) = (given.as_ref()?, profile.as_deref()?);
    let options = options_of(profiles.iter().find(|p| p.name == name)?);
    let key = |s: &str| s.to_ascii_lowercase().replace([' ', '-'], "_");
    given.iter().find_map(
        |(option, value)| match options.iter().find(|o| key(&o.name) == key(option)) {
            None if options.is_empty() => Some(format!(
                "{field}.{option} is not an option here: \"{name}\" has no {field}"
            )),
            None => {
                let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
                Some(format!(
                    "{field}.{option} is not an option here: the {field} of \"{name}\" are: {}",
                    names.join(", ")
                ))
            }
            Some(o) if !o.accepts(value) => Some(format!(
                "{field}.{} is {value}, which \"{name}\" does not allow; use {}",
                o.name,
                o.allowed_text()
            )),
            Some(_) => None,
        },
    )
}

/// The options of the chosen source and target profiles: name, values, default, meaning.
#[component]
fn ProfileOptions(
    profiles: StoredValue<Vec<ProfileInfo>>,
    parsed: Memo<Option<Map<String, Value>>>,
) -> impl IntoView {
    let rows = move || {
        let chosen =
            |key: &str| parsed.with(|m| m.as_ref().and_then(|m| m.get(key)?.as_str().map(str::to_string)));
        let mut rows = Vec::new();
        for (key, field) in [
            ("source_profile", "decode_options"),
            ("target_profile", "encode_options"),
        ] {
            let Some(name) = chosen(key) else { continue };
            profiles.with_value(|list| {
                let Some(p) = list.iter().find(|p| p.name == name) else {
                    return;
                };
                let options = if field == "decode_options" {
                    &p.decode_options
                } else {
                    &p.encode_options
                };
                for o in options {
                    rows.push((
                        format!("{field}.{}", o.name),
                        o.allowed_text(),
                        o.default.clone(),
                        o.description.clone(),
                    ));
                }
            });
        }
        rows
    };
    view! {
        <section aria-labelledby="options-title">
            <h2 id="options-title">"Profile options"</h2>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    view! { <p class="muted">"The chosen profiles have no options."</p> }.erase()
                } else {
                    view! {
                        <table aria-labelledby="options-title">
                            <thead>
                                <tr><th>"Option"</th><th>"Values"</th><th>"Default"</th><th>"What it does"</th></tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(name, values, default, about)| view! {
                                        <tr><td><code>{name}</code></td><td>{values}</td><td>{default}</td><td>{about}</td></tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .erase()
                }
            }}
        </section>
    }
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
            <ProfileOptions profiles parsed/>
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
                encode_options: vec![ProfileOption {
                    name: "line_length".into(),
                    kind: "integer".into(),
                    minimum: Some(1),
                    maximum: Some(32),
                    default: "32".into(),
                    ..ProfileOption::default()
                }],
                ..ProfileInfo::default()
            },
            ProfileInfo {
                name: "Plain Text".into(),
                read: false,
                write: true,
                ..ProfileInfo::default()
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
    fn options_are_checked_against_the_chosen_profiles() {
        let with = |options: &str| {
            STARTER.replace(
                "\"WebVTT\"",
                &format!("\"SubRip Video Subtitle Script\", {options}"),
            )
        };
        assert_eq!(
            problem(&with("\"encode_options\": {\"line_length\": 20}"), &profiles()),
            None
        );
        assert_eq!(
            problem(&with("\"encode_options\": {\"line_length\": 40}"), &profiles()).as_deref(),
            Some("encode_options.line_length is 40, which \"SubRip Video Subtitle Script\" does not allow; use a whole number from 1 to 32")
        );
        assert_eq!(
            problem(&with("\"decode_options\": {\"channel\": \"ch01\"}"), &profiles()).as_deref(),
            Some("decode_options.channel is not an option here: \"SubRip Video Subtitle Script\" has no decode_options")
        );
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
