-- Run by Flyway after every migrate, not once like V1: a capture role created after the
-- catalog was migrated gets its read access (and the heartbeat's write access) at the
-- service's next start.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mqlab_cdc') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO mqlab_cdc', current_schema());
        GRANT SELECT ON products TO mqlab_cdc;
        GRANT SELECT, INSERT, UPDATE ON cdc_heartbeat TO mqlab_cdc;
    END IF;
END
$$;
