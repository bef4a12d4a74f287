-- Every claim of a job by a worker: the audit of who ran what, and how often.
create table job_claims (
    job_id       text not null references jobs (id) on delete cascade,
    lease_token  text not null,
    claimed_at   integer not null
);
create index job_claims_job_idx on job_claims (job_id);
