-- The contract cdc-service captures from (keep it in step with its connector settings):
-- products keyed by sku; every write sets updated_at and bumps version (optimistic locking,
-- 0 on insert); REPLICA IDENTITY FULL so a delete carries the whole before-image in the WAL;
-- the publication is created here because the capture's role (mqlab_cdc) has only
-- REPLICATION and may not create it (Debezium publication.autocreate.mode=disabled); that
-- role, when it exists, may read the table for the initial snapshot.
CREATE TABLE products (
    sku         VARCHAR(64)    PRIMARY KEY,
    name        VARCHAR(200)   NOT NULL,
    description VARCHAR(2000)  NOT NULL DEFAULT '',
    price       NUMERIC(12,2)  NOT NULL CHECK (price >= 0),
    currency    CHAR(3)        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    stock       INT            NOT NULL CHECK (stock >= 0),
    tags        TEXT[]         NOT NULL DEFAULT '{}',
    version     BIGINT         NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ    NOT NULL DEFAULT now()
);

ALTER TABLE products REPLICA IDENTITY FULL;

CREATE PUBLICATION catalog_products FOR TABLE products;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mqlab_cdc') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO mqlab_cdc', current_schema());
        GRANT SELECT ON products TO mqlab_cdc;
    END IF;
END
$$;
