-- A job whose engine failed transiently waits in the queue until this time (ms) before it
-- runs again; null: ready now.
alter table jobs add column not_before integer;
