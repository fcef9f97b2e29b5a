-- Lab 1, PostgreSQL failover (run once on pg-primary's first start, in helixagent_db; replicated
-- to pg-replica by pg_basebackup). wal_log_hints lets pg_rewind find every page the old primary
-- changed after the fork; it needs a restart, which the image's first start does next.
ALTER SYSTEM SET wal_log_hints = on;
-- The learner promotes the replica as the app role: select pg_promote() (superuser-only by default).
GRANT EXECUTE ON FUNCTION pg_catalog.pg_promote(boolean, integer) TO helixagent;
-- pg_rewind's source connection (the new primary) as replicator: the functions it reads files with.
GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO replicator;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO replicator;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO replicator;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO replicator;
-- A just-promoted server's control file names its new timeline only after a checkpoint, and
-- pg_rewind reads the timeline from there: the learner asks for one first (PostgreSQL 15's role).
GRANT pg_checkpoint TO replicator;
-- Synchronous replication (step "pg-sync"), as the app role: ALTER SYSTEM SET
-- synchronous_standby_names (PostgreSQL 15 grants one parameter at a time), then pg_reload_conf().
GRANT ALTER SYSTEM ON PARAMETER synchronous_standby_names TO helixagent;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO helixagent;
