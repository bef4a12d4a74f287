-- Webhooks: a signing secret per account, one delivery per finished job that names a
-- webhook, and every attempt at it.

-- `whsec_…` (Standard Webhooks). While a rotation is recent the previous secret signs too,
-- so receivers can switch over without dropping deliveries.
alter table accounts add column webhook_secret text;
alter table accounts add column webhook_secret_previous text;
alter table accounts add column webhook_secret_rotated_at integer;

create table webhook_deliveries (
    -- The `webhook-id` header: the same on every attempt, so receivers can deduplicate.
    id           text primary key,
    job_id       text not null references jobs (id) on delete cascade,
    account_id   text not null references accounts (id) on delete cascade,
    url          text not null,
    -- pending | delivered | failed | stopped (the receiver answered 410 Gone)
    state        text not null,
    -- Failed attempts since the schedule (re)started; picks the next wait.
    failures     integer not null default 0,
    -- When the next attempt is due (pending only).
    next_at      integer,
    -- An instance is sending it until then; another may take it over afterwards.
    lease_until  integer,
    created_at   integer not null,
    constraint webhook_deliveries_job_key unique (job_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_at) where state = 'pending';

create table webhook_attempts (
    delivery_id  text not null references webhook_deliveries (id) on delete cascade,
    attempted_at integer not null,
    -- null when no HTTP answer came (timeout, refused connection, DNS, TLS).
    http_status  integer,
    latency_ms   integer not null,
    error        text
);
create index webhook_attempts_delivery on webhook_attempts (delivery_id, attempted_at);
