-- The writing transaction of each outbox row: the relay only takes rows older than every
-- transaction still in flight, so it never publishes past a row that has yet to commit.
ALTER TABLE mqlab_outbox ADD COLUMN IF NOT EXISTS tx xid8 NOT NULL DEFAULT pg_current_xact_id();
