//! `GET /openapi.json`: an OpenAPI 3.1 description of the REST API.
//!
//! Written by hand next to the router; `tests/it/openapi.rs` keeps the two honest: every
//! route the router serves is described with exactly its methods, every described route
//! exists, and real answers carry exactly the properties the schemas list.

use axum::Json;
use serde_json::{json, Value};
use std::sync::OnceLock;

pub async fn serve() -> Json<Value> {
    Json(document().clone())
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn job_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Job" } } }
    })
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "description": "A job ID (UUID).",
            "schema": { "type": "string", "format": "uuid" } })
}

fn kind_param() -> Value {
    json!({ "name": "kind", "in": "path", "required": true,
            "schema": { "type": "string", "enum": ["source", "target", "response"] } })
}

fn filter_params() -> Value {
    json!([
        { "name": "type", "in": "query", "description": "Job type; repeat for several.",
          "schema": { "type": "string", "enum": ["convert", "transcribe", "translate"] } },
        { "name": "status", "in": "query", "description": "Status; repeat for several (`completed` means passed).",
          "schema": { "type": "string", "enum": ["queued", "processing", "passed", "failed"] } },
        { "name": "range", "in": "query", "description": "Submitted within: the last 24 hours, week, month or year, or `custom` with from/to.",
          "schema": { "type": "string", "enum": ["24h", "week", "month", "year", "custom"] } },
        { "name": "from", "in": "query", "description": "With range=custom: first day (UTC), inclusive.",
          "schema": { "type": "string", "format": "date" } },
        { "name": "to", "in": "query", "description": "With range=custom: last day (UTC), inclusive.",
          "schema": { "type": "string", "format": "date" } },
        { "name": "q", "in": "query", "description": "A job ID (or its start) or part of the source file name.",
          "schema": { "type": "string" } }
    ])
}

fn auth_errors() -> Value {
    json!({
        "401": error("No API key, or not a valid one (mistyped or revoked)."),
        "429": error("Too many requests; wait for the seconds in Retry-After.")
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

fn build() -> Value {
    let job_id = json!({ "type": "string", "format": "uuid" });
    let time = json!({ "type": "string", "format": "date-time" });
    let schemas = json!({
        "Error": {
            "type": "object",
            "description": "Every error answer. `message` says what went wrong and what to do.",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string", "description": "Stable, for programs (e.g. invalid_config, not_found)." },
                    "message": { "type": "string", "description": "For people." }
                }
            } }
        },
        "JobDescription": {
            "type": "object",
            "description": "The submitted config. Unknown fields are kept and shown back.",
            "properties": {
                "job_type": { "type": "string", "enum": ["convert", "transcribe", "translate"] },
                "source_profile": { "type": "string", "description": "GET /profiles lists the names." },
                "target_profile": { "type": "string" },
                "default_frameRate": { "type": ["number", "string"] },
                "default_dropFrame": { "type": "boolean" },
                "source_frameRate": { "type": ["number", "string"] },
                "target_frameRate": { "type": ["number", "string"] },
                "offset": { "type": ["number", "string"] },
                "offset_type": { "type": "string" },
                "incode": { "type": "string" },
                "encode_options": { "type": "object", "description": "Also accepted as encoding_options." },
                "decode_options": { "type": "object", "description": "Also accepted as decoding_options." },
                "media_path": { "type": "string" },
                "transcribe_options": { "type": "object" },
                "translate_options": {
                    "type": "object",
                    "description": "For translate jobs.",
                    "properties": {
                        "source_language": { "type": "string", "description": "e.g. en; auto-detected when left out." },
                        "target_language": { "type": "string", "description": "e.g. fr; required." }
                    }
                },
                "webhook": { "type": "string", "format": "uri" }
            },
            "additionalProperties": true
        },
        "Job": {
            "type": "object",
            "description": "A job in full: what GET /jobs/{id}, POST /jobs and the dashboard's View JSON show.",
            "required": ["id", "status", "job_type", "source", "created_at", "warnings", "attempts", "description"],
            "properties": {
                "id": job_id,
                "status": { "type": "string", "enum": ["queued", "processing", "passed", "failed"] },
                "job_type": { "type": "string", "enum": ["convert", "transcribe", "translate"] },
                "source": { "type": "string", "enum": ["api", "playground", "cli"], "description": "Where the job was submitted." },
                "created_at": time,
                "started_at": { "type": ["string", "null"], "format": "date-time" },
                "finished_at": { "type": ["string", "null"], "format": "date-time" },
                "source_profile": nullable("string"),
                "target_profile": nullable("string"),
                "frame_rate": nullable("string"),
                "source_file_name": nullable("string"),
                "target_file_name": nullable("string"),
                "error": { "type": ["string", "null"], "description": "The full error of a failed job: what went wrong and what to do." },
                "warnings": { "type": "array", "items": { "type": "string" } },
                "attempts": { "type": "integer", "minimum": 0 },
                "retry_of": { "type": ["string", "null"], "format": "uuid" },
                "description": { "$ref": "#/components/schemas/JobDescription" }
            }
        },
        "SyncJob": {
            "description": "A job, plus its output file when POST /jobs waited (wait=N) and the job passed: the synchronous answer.",
            "allOf": [
                { "$ref": "#/components/schemas/Job" },
                { "type": "object", "properties": { "output": { "type": "string", "contentEncoding": "base64", "description": "The target file, base64." } } }
            ]
        },
        "JobSummary": {
            "type": "object",
            "description": "One row of a list: no heavy columns.",
            "required": ["id", "created_at", "job_type", "status", "source"],
            "properties": {
                "id": job_id,
                "created_at": time,
                "job_type": { "type": "string", "enum": ["convert", "transcribe", "translate"] },
                "status": { "type": "string", "enum": ["queued", "processing", "passed", "failed"] },
                "source": { "type": "string", "enum": ["api", "playground", "cli"] },
                "source_profile": nullable("string"),
                "target_profile": nullable("string"),
                "frame_rate": nullable("string"),
                "source_file_name": nullable("string"),
                "error_summary": { "type": ["string", "null"], "description": "The error's first line." },
                "retry_of": { "type": ["string", "null"], "format": "uuid" }
            }
        },
        "JobPage": {
            "type": "object",
            "required": ["jobs", "total", "total_is_lower_bound", "offset"],
            "properties": {
                "jobs": { "type": "array", "items": { "$ref": "#/components/schemas/JobSummary" } },
                "next_cursor": { "type": ["string", "null"], "description": "Pass as cursor for the next (older) page." },
                "prev_cursor": { "type": ["string", "null"], "description": "Pass as cursor for the previous (newer) page." },
                "total": { "type": "integer", "description": "Matching jobs, counted up to 10,000." },
                "total_is_lower_bound": { "type": "boolean", "description": "True when total stopped at 10,000." },
                "offset": { "type": "integer", "description": "Matching jobs before this page (newer ones), counted up to 10,000." }
            }
        },
        "Profiles": {
            "type": "object",
            "required": ["profiles"],
            "properties": { "profiles": { "type": "array", "items": {
                "type": "object",
                "required": ["name", "extension", "read", "write", "encode_options", "decode_options"],
                "properties": {
                    "name": { "type": "string" },
                    "extension": { "type": "string" },
                    "read": { "type": "boolean", "description": "Can be a source_profile." },
                    "write": { "type": "boolean", "description": "Can be a target_profile." },
                    "encode_options": { "type": "array", "items": { "$ref": "#/components/schemas/ProfileOption" } },
                    "decode_options": { "type": "array", "items": { "$ref": "#/components/schemas/ProfileOption" } }
                }
            } } }
        },
        "ProfileOption": {
            "type": "object",
            "required": ["name", "type", "default", "description"],
            "properties": {
                "name": { "type": "string" },
                "type": { "type": "string", "enum": ["string", "integer", "boolean"] },
                "values": { "type": "array", "items": { "type": "string" }, "description": "Allowed values (string and boolean options)." },
                "minimum": { "type": "integer" },
                "maximum": { "type": "integer" },
                "default": { "type": "string" },
                "description": { "type": "string" }
            }
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": { "status": { "type": "string", "const": "ok" } }
        },
        "WebhookLog": {
            "type": "object",
            "description": "A job's webhook delivery and every attempt, oldest first.",
            "required": ["url", "message_id", "state", "attempts"],
            "properties": {
                "url": { "type": "string", "format": "uri" },
                "message_id": { "type": "string", "description": "The webhook-id header, the same on every attempt." },
                "state": { "type": "string", "enum": ["pending", "delivered", "failed", "stopped"],
                           "description": "pending: another attempt is scheduled; failed: the schedule is used up or the URL is refused; stopped: the receiver answered 410 Gone." },
                "next_attempt_at": { "type": ["string", "null"], "format": "date-time" },
                "attempts": { "type": "array", "items": { "$ref": "#/components/schemas/WebhookAttempt" } }
            }
        },
        "WebhookAttempt": {
            "type": "object",
            "required": ["at", "latency_ms"],
            "properties": {
                "at": time,
                "http_status": { "type": ["integer", "null"], "description": "The receiver's answer; null when none came." },
                "latency_ms": { "type": "integer" },
                "error": { "type": ["string", "null"], "description": "What went wrong and what to do; null when delivered." }
            }
        },
        "WebhookSecret": {
            "type": "object",
            "required": ["secret"],
            "properties": {
                "secret": { "type": "string", "description": "whsec_ and base64: the HMAC-SHA256 key is the base64-decoded part." },
                "previous_valid_until": { "type": ["string", "null"], "format": "date-time",
                                          "description": "After a rotation, the previous secret also signs (a second v1, signature) until then." }
            }
        }
    });

    let redirect = json!({ "description": "See Other: where the browser goes next.",
                           "headers": { "Location": { "schema": { "type": "string" } } } });
    let file = json!({ "description": "The file, with its name in Content-Disposition.",
                       "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });

    let paths = json!({
        "/jobs": {
            "post": {
                "summary": "Submit a job",
                "description": "multipart/form-data with `config` (the Job Description JSON) and `source` (the caption file). With an Idempotency-Key the account already used, the earlier job comes back with 200 and Idempotent-Replayed: true.",
                "parameters": [
                    { "name": "wait", "in": "query", "description": "Hold the answer up to this many seconds for the job to end; then it carries the output file as base64 in `output` if the job passed.",
                      "schema": { "type": "integer", "minimum": 0, "maximum": 60, "default": 0 } },
                    { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" } },
                    { "name": "ccjobs-source", "in": "header", "description": "Where the job comes from, for the dashboard; the CLI sends cli, the Playground playground.",
                      "schema": { "type": "string", "enum": ["api", "playground", "cli"], "default": "api" } }
                ],
                "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                    "type": "object", "required": ["config"],
                    "properties": {
                        "config": { "type": "string", "description": "The Job Description, as JSON text.", "contentMediaType": "application/json" },
                        "source": { "type": "string", "format": "binary" }
                    }
                } } } },
                "responses": merge(json!({
                    "201": { "description": "The job, queued; with wait, as it stood when it ended or the wait ran out.",
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncJob" } } } },
                    "200": job_response("An earlier job with the same Idempotency-Key."),
                    "400": error("Malformed JSON (with line and column), an unknown profile, a missing field or file, a source URL that could not be fetched, a wait over 60."),
                    "409": error("The Idempotency-Key was used with a different request."),
                    "413": error("The upload is larger than the server's limit.")
                }), auth_errors())
            },
            "get": {
                "summary": "List jobs, newest first",
                "parameters": merge_params(filter_params(), json!([
                    { "name": "size", "in": "query", "schema": { "type": "integer", "enum": [25, 50, 100], "default": 25 } },
                    { "name": "cursor", "in": "query", "description": "next_cursor or prev_cursor of a page.", "schema": { "type": "string" } }
                ])),
                "responses": merge(json!({
                    "200": { "description": "One page, with an ETag.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobPage" } } } },
                    "304": { "description": "Not modified: the page still fits the If-None-Match tag." },
                    "400": error("A filter the server does not understand.")
                }), auth_errors())
            },
            "delete": {
                "summary": "Delete several jobs, all or nothing",
                "parameters": [ { "name": "id", "in": "query", "required": true, "description": "Repeat for each job.",
                                   "schema": { "type": "string", "format": "uuid" } } ],
                "responses": merge(json!({
                    "204": { "description": "All deleted, with their files." },
                    "404": error("One of the IDs is not a job of this account; nothing was deleted.")
                }), auth_errors())
            }
        },
        "/jobs.csv": {
            "get": {
                "summary": "Export every job that matches the filters as CSV",
                "description": "Streamed; RFC 4180; cells that a spreadsheet would run as a formula are neutralised.",
                "parameters": filter_params(),
                "responses": merge(json!({
                    "200": { "description": "The CSV file.", "content": { "text/csv": { "schema": { "type": "string" } } } }
                }), auth_errors())
            }
        },
        "/jobs/{id}": {
            "parameters": [ id_param() ],
            "get": {
                "summary": "One job in full",
                "description": "With Accept: text/html this is the dashboard's detail page instead.",
                "responses": merge(json!({ "200": job_response("The job, with an ETag."), "304": { "description": "Not modified: the job still fits the If-None-Match tag." }, "404": error("No such job in this account.") }), auth_errors())
            },
            "delete": {
                "summary": "Delete a job and its files",
                "responses": merge(json!({ "204": { "description": "Deleted." }, "404": error("No such job in this account.") }), auth_errors())
            }
        },
        "/jobs/{id}/retry": {
            "parameters": [ id_param() ],
            "post": {
                "summary": "Submit a job again with its file and Job Description",
                "responses": merge(json!({ "201": job_response("The new job (retry_of names the old one)."), "404": error("No such job in this account.") }), auth_errors())
            }
        },
        "/jobs/{id}/webhook": {
            "parameters": [ id_param() ],
            "get": {
                "summary": "A job's webhook delivery log",
                "responses": merge(json!({ "200": webhook_log("The delivery and its attempts."), "404": error("No such job in this account, or it names no webhook or has not ended.") }), auth_errors())
            }
        },
        "/jobs/{id}/webhook/redeliver": {
            "parameters": [ id_param() ],
            "post": {
                "summary": "Send a finished job's webhook again now (with a fresh retry schedule)",
                "responses": merge(json!({
                    "200": webhook_log("The delivery, pending again."),
                    "400": error("The job names no webhook (code no_webhook)."),
                    "404": error("No such job in this account."),
                    "409": error("The job has not ended yet (code job_not_finished).")
                }), auth_errors())
            }
        },
        "/account/webhook-secret": {
            "get": {
                "summary": "The account's webhook signing secret",
                "responses": merge(json!({ "200": webhook_secret("The secret.") }), auth_errors())
            }
        },
        "/account/webhook-secret/rotate": {
            "post": {
                "summary": "Replace the webhook signing secret; the previous one keeps signing for 24 hours",
                "responses": merge(json!({ "200": webhook_secret("The new secret.") }), auth_errors())
            }
        },
        "/jobs/{id}/files/{kind}": {
            "parameters": [ id_param(), kind_param() ],
            "get": {
                "summary": "Download a job's source, target or response file",
                "responses": merge(json!({ "200": file.clone(), "404": error("No such job, or the job has no such file yet.") }), auth_errors())
            }
        },
        "/jobs/{id}/editor": {
            "parameters": [ id_param() ],
            "get": {
                "summary": "Open a passed job in the caption editor",
                "description": "Redirects to the configured editor with a signed, expiring link to the target file.",
                "responses": merge(json!({ "303": redirect.clone(), "404": error("No such job, or it has not passed.") }), auth_errors())
            }
        },
        "/download/{id}/{kind}": {
            "parameters": [ id_param(), kind_param(),
                { "name": "expires", "in": "query", "required": true, "schema": { "type": "integer" } },
                { "name": "signature", "in": "query", "required": true, "schema": { "type": "string" } } ],
            "get": {
                "summary": "Download through a signed link (no key needed)",
                "security": [],
                "responses": { "200": file, "403": error("The link is not valid or has expired.") }
            }
        },
        "/profiles": {
            "get": {
                "summary": "The caption profiles and their options",
                "security": [],
                "responses": { "200": { "description": "Every profile.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Profiles" } } } } }
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": { "200": { "description": "OpenAPI 3.1.", "content": { "application/json": {} } } }
            }
        },
        "/health": {
            "get": {
                "summary": "Liveness",
                "security": [],
                "responses": { "200": { "description": "Up.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } } } }
            }
        },
        "/auth/sign-in": {
            "post": {
                "summary": "Dashboard sign-in with an API key (an HTML form post)",
                "security": [],
                "requestBody": { "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
                    "type": "object", "required": ["api_key"],
                    "properties": { "api_key": { "type": "string" }, "next": { "type": "string" } } } } } },
                "responses": { "303": redirect.clone() }
            }
        },
        "/auth/link": {
            "post": {
                "summary": "Dashboard sign-in with a one-time link's token (an HTML form post)",
                "security": [],
                "requestBody": { "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
                    "type": "object", "required": ["token"],
                    "properties": { "token": { "type": "string" }, "next": { "type": "string" } } } } } },
                "responses": { "303": redirect.clone() }
            }
        },
        "/auth/sign-out": {
            "post": {
                "summary": "End the dashboard session",
                "security": [ { "session": [] } ],
                "responses": { "303": redirect }
            }
        }
    });

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ccjobs",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Caption conversion jobs. Authenticate with an API key in x-api-key (or Authorization: Bearer). Errors always answer with the Error envelope. Not listed here: the dashboard's pages, its assets under /pkg and its server functions under /api, which are for the browser app."
        },
        "servers": [ { "url": "/" } ],
        "security": [ { "apiKey": [] }, { "bearer": [] }, { "session": [] } ],
        "components": {
            "securitySchemes": {
                "apiKey": { "type": "apiKey", "in": "header", "name": "x-api-key" },
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": "ccjobs_session" }
            },
            "schemas": schemas
        },
        "paths": paths,
        "webhooks": {
            "jobEnded": {
                "post": {
                    "summary": "A job named this URL in its Job Description's webhook, and ended (passed or failed)",
                    "description": "Standard Webhooks: headers webhook-id (the same on every attempt), webhook-timestamp (Unix seconds) and webhook-signature (space-separated `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the account's secret). Answer 2xx once you have it; anything else (or no answer within 15 s) is retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h, never sooner than your Retry-After. 410 Gone stops the retries. Redirects are not followed.",
                    "parameters": [
                        { "name": "webhook-id", "in": "header", "required": true, "schema": { "type": "string" } },
                        { "name": "webhook-timestamp", "in": "header", "required": true, "schema": { "type": "string" } },
                        { "name": "webhook-signature", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SyncJob" } } } },
                    "responses": { "2XX": { "description": "Received." }, "410": { "description": "Stop sending." } }
                }
            }
        }
    })
}

fn webhook_log(description: &str) -> Value {
    json!({ "description": description,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookLog" } } } })
}

fn webhook_secret(description: &str) -> Value {
    json!({ "description": description,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookSecret" } } } })
}

fn merge_params(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b);
            Value::Array(a)
        }
        (a, _) => a,
    }
}
