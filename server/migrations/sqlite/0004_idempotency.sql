-- `Idempotency-Key` on POST /jobs: the same key from the same account returns the same job.
create table idempotency_keys (
    account_id  text not null references accounts (id) on delete cascade,
    key         text not null,
    job_id      text not null references jobs (id) on delete cascade,
    created_at  integer not null,
    constraint idempotency_keys_pkey primary key (account_id, key)
);
