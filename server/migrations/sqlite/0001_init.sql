-- ccjobs schema, SQLite. Times are integer milliseconds since the Unix epoch (UTC).

create table accounts (
    id          text primary key,
    name        text not null,
    created_at  integer not null,
    constraint accounts_name_key unique (name)
);

-- API keys are stored only as a SHA-256 hash; the prefix helps a user tell keys apart.
create table api_keys (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    prefix      text not null,
    key_hash    text not null,
    created_at  integer not null,
    revoked_at  integer,
    constraint api_keys_hash_key unique (key_hash)
);

create table sessions (
    token_hash  text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    created_at  integer not null,
    expires_at  integer not null
);

create table sign_in_links (
    token_hash  text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    created_at  integer not null,
    expires_at  integer not null,
    used_at     integer
);

create table jobs (
    id                text primary key,
    account_id        text not null references accounts (id) on delete cascade,
    created_at        integer not null,
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
    attempts          integer not null default 0,
    started_at        integer,
    finished_at       integer,
    -- The claim: who holds the job and until when. The final write checks lease_token so a
    -- worker that lost its lease cannot overwrite the job.
    lease_token       text,
    lease_until       integer,
    constraint jobs_job_type_check check (job_type in ('convert', 'transcribe', 'translate')),
    constraint jobs_status_check check (status in ('queued', 'processing', 'passed', 'failed')),
    constraint jobs_source_check check (source in ('api', 'playground', 'cli'))
);

-- The dashboard: newest first within an account, keyset over (created_at, id).
create index jobs_account_created_idx on jobs (account_id, created_at desc, id desc);
create index jobs_account_status_created_idx on jobs (account_id, status, created_at desc, id desc);
create index jobs_account_type_created_idx on jobs (account_id, job_type, created_at desc, id desc);
-- The queue: oldest queued first; expired leases.
create index jobs_queue_idx on jobs (created_at, id) where status = 'queued';
create index jobs_lease_idx on jobs (lease_until) where status = 'processing';

-- Files live with their job so that delete and retention are one transaction.
create table job_files (
    job_id        text not null references jobs (id) on delete cascade,
    kind          text not null,
    name          text not null,
    content_type  text not null,
    data          blob not null,
    constraint job_files_pkey primary key (job_id, kind),
    constraint job_files_kind_check check (kind in ('source', 'target', 'response'))
);
