-- Where a log reader's heartbeat writes (cdc-service runs Debezium's heartbeat.action.query
-- on it every few seconds, one row per replication slot). It is in the publication because
-- pgoutput sends nothing for a transaction that touches no published table: while products
-- sit idle a slot would otherwise never move on and would keep all the WAL that other
-- databases on this server write. Like the publication and REPLICA IDENTITY FULL in V1, it
-- is part of what this database offers to a reader of its log, and no messaging: the
-- catalog never reads nor writes it. Created here, with the schema's owner, so the
-- capture's role needs no CREATE and need not own the publication.
-- Idempotent: cdc-service used to create the table (and add it to the publication) itself
-- where its user could, so a catalog database made before this migration may have both.
CREATE TABLE IF NOT EXISTS cdc_heartbeat (
    slot    VARCHAR(63)  PRIMARY KEY,
    beat_at TIMESTAMPTZ  NOT NULL
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = 'catalog_products'
                   AND schemaname = current_schema() AND tablename = 'cdc_heartbeat') THEN
        ALTER PUBLICATION catalog_products ADD TABLE cdc_heartbeat;
    END IF;
END
$$;
