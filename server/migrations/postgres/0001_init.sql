-- ccjobs schema, PostgreSQL: the same tables as the SQLite schema (migrations/sqlite,
-- 0001 to 0007, in their final shape). Times are bigint milliseconds since the Unix epoch
-- (UTC); every integer is a bigint, so both backends read the same Rust types.

create extension if not exists pg_trgm;

create table accounts (
    id                        text primary key,
    name                      text not null,
    created_at                bigint not null,
    webhook_secret            text,
    webhook_secret_previous   text,
    webhook_secret_rotated_at bigint,
    constraint accounts_name_key unique (name)
);

-- API keys are stored only as a SHA-256 hash; the prefix helps a user tell keys apart.
create table api_keys (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    prefix      text not null,
    key_hash    text not null,
    created_at  bigint not null,
    revoked_at  bigint,
    constraint api_keys_hash_key unique (key_hash)
);
create index api_keys_account_idx on api_keys (account_id);

create table sessions (
    token_hash  text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    created_at  bigint not null,
    expires_at  bigint not null
);

create table sign_in_links (
    token_hash  text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    created_at  bigint not null,
    expires_at  bigint not null,
    used_at     bigint
);

create table jobs (
    id                text primary key,
    account_id        text not null references accounts (id) on delete cascade,
    created_at        bigint not null,
    job_type          text not null,
    status            text not null,
    source            text not null,
    retry_of          text,
    source_profile    text,
    target_profile    text,
    frame_rate        text,
    source_file_name  text,
    target_file_name  text,
    -- The Job Description exactly as submitted.
    description       text not null,
    error             text,
    -- First line of the error: the list query never reads the full text.
    error_summary     text,
    warnings          text not null default '[]',
    attempts          bigint not null default 0,
    started_at        bigint,
    finished_at       bigint,
    -- The claim: who holds the job and until when. The final write checks lease_token so a
    -- worker that lost its lease cannot overwrite the job.
    lease_token       text,
    lease_until       bigint,
    -- A job whose engine failed transiently waits until then (ms) before it runs again.
    not_before        bigint,
    constraint jobs_job_type_check check (job_type in ('convert', 'transcribe', 'translate')),
    constraint jobs_status_check check (status in ('queued', 'processing', 'passed', 'failed')),
    constraint jobs_source_check check (source in ('api', 'playground', 'cli'))
);
-- A queue table churns: vacuum and analyze it after 5 % of its rows change or arrive
-- (not 20 %), so the visibility map stays fresh for the dashboard's index-only counts
-- and the planner's statistics follow the queue.
alter table jobs set (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.05
);

-- The dashboard: newest first within an account, keyset over (created_at, id), one index
-- per filter shape (none, status, type, type and status).
create index jobs_account_created_idx on jobs (account_id, created_at desc, id desc);
create index jobs_account_status_created_idx on jobs (account_id, status, created_at desc, id desc);
create index jobs_account_type_created_idx on jobs (account_id, job_type, created_at desc, id desc);
create index jobs_account_type_status_created_idx
    on jobs (account_id, job_type, status, created_at desc, id desc);
-- The queue: oldest queued first; expired leases; running jobs per account.
create index jobs_queue_idx on jobs (created_at, id) where status = 'queued';
create index jobs_lease_idx on jobs (lease_until) where status = 'processing';
create index jobs_processing_account_idx on jobs (account_id) where status = 'processing';
-- "Retried as" links on the job detail view.
create index jobs_retry_of_idx on jobs (retry_of) where retry_of is not null;
-- Substring search on source file names (ILIKE '%…%'): a trigram index.
create index jobs_file_name_trgm_idx on jobs using gin (source_file_name gin_trgm_ops);

-- Files live with their job so that delete and retention are one transaction.
create table job_files (
    job_id        text not null references jobs (id) on delete cascade,
    kind          text not null,
    name          text not null,
    content_type  text not null,
    data          bytea not null,
    constraint job_files_pkey primary key (job_id, kind),
    constraint job_files_kind_check check (kind in ('source', 'target', 'response'))
);

-- Server-wide settings, such as the key that signs expiring download links.
create table settings (
    name   text primary key,
    value  text not null
);

-- `Idempotency-Key` on POST /jobs: the same key from the same account returns the same job.
create table idempotency_keys (
    account_id  text not null references accounts (id) on delete cascade,
    key         text not null,
    job_id      text not null references jobs (id) on delete cascade,
    created_at  bigint not null,
    constraint idempotency_keys_pkey primary key (account_id, key)
);
create index idempotency_keys_job_idx on idempotency_keys (job_id);

-- Webhooks: one delivery per finished job that names a webhook, and every attempt.
create table webhook_deliveries (
    id           text primary key,
    job_id       text not null references jobs (id) on delete cascade,
    account_id   text not null references accounts (id) on delete cascade,
    url          text not null,
    state        text not null,
    failures     bigint not null default 0,
    next_at      bigint,
    lease_until  bigint,
    created_at   bigint not null,
    constraint webhook_deliveries_job_key unique (job_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_at) where state = 'pending';
create index webhook_deliveries_account_idx on webhook_deliveries (account_id);

create table webhook_attempts (
    delivery_id  text not null references webhook_deliveries (id) on delete cascade,
    attempted_at bigint not null,
    http_status  bigint,
    latency_ms   bigint not null,
    error        text
);
create index webhook_attempts_delivery on webhook_attempts (delivery_id, attempted_at);

-- Every claim of a job by a worker: the audit of who ran what, and how often.
create table job_claims (
    job_id       text not null references jobs (id) on delete cascade,
    lease_token  text not null,
    claimed_at   bigint not null
);
create index job_claims_job_idx on job_claims (job_id);
