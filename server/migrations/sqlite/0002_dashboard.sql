-- Server-wide settings, such as the key that signs expiring download links.
create table settings (
    name   text primary key,
    value  text not null
);

-- "Retried as" links on the job detail view.
create index jobs_retry_of_idx on jobs (retry_of) where retry_of is not null;
