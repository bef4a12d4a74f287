-- Type and status together (the dashboard's most common pair of filters).
create index jobs_account_type_status_created_idx
    on jobs (account_id, job_type, status, created_at desc, id desc);

-- Substring search on source file names: a trigram full-text index kept in step with
-- jobs by triggers (file names never change after insert).
create virtual table jobs_file_names using fts5(
    source_file_name,
    content = 'jobs',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);

insert into jobs_file_names (rowid, source_file_name)
    select rowid, source_file_name from jobs where source_file_name is not null;

create trigger jobs_file_names_insert after insert on jobs
when new.source_file_name is not null
begin
    insert into jobs_file_names (rowid, source_file_name) values (new.rowid, new.source_file_name);
end;

create trigger jobs_file_names_delete after delete on jobs
when old.source_file_name is not null
begin
    insert into jobs_file_names (jobs_file_names, rowid, source_file_name)
        values ('delete', old.rowid, old.source_file_name);
end;
