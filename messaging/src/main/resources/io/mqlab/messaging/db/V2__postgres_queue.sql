-- The PostgreSQL table queue (mqlab.messaging.backend=postgres).

-- A group exists once it has a row here; publishing creates one delivery row per group.
CREATE TABLE IF NOT EXISTS mqlab_subscription (
    topic       TEXT        NOT NULL,
    group_name  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, group_name)
);

-- One row per published envelope, shared by the deliveries of all groups. The envelope id
-- is not unique: an outbox re-send or a replay stores the same id again.
-- published_at keeps microseconds, published_nano the exact nano-of-second of the envelope.
CREATE TABLE IF NOT EXISTS mqlab_message (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      UUID        NOT NULL,
    topic           TEXT        NOT NULL,
    msg_key         TEXT,
    type            TEXT        NOT NULL,
    headers         JSONB       NOT NULL,
    payload         TEXT        NOT NULL,
    published_at    TIMESTAMPTZ NOT NULL,
    published_nano  INTEGER     NOT NULL
);

-- One narrow row per (message, group) not handled yet: claimed by setting a lease
-- (visible_at in the future, attempts + 1), deleted on acknowledgement. Narrow and with
-- no index on the updated columns, so claims are HOT updates.
CREATE TABLE IF NOT EXISTS mqlab_delivery (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic        TEXT        NOT NULL,
    group_name   TEXT        NOT NULL,
    msg_key      TEXT,
    message_seq  BIGINT      NOT NULL REFERENCES mqlab_message (seq),
    visible_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    lease        UUID
);
-- The claim scans a group's rows in publish order ...
CREATE INDEX IF NOT EXISTS mqlab_delivery_queue ON mqlab_delivery (topic, group_name, id);
-- ... and checks that no earlier row of the same key is still there (head of its key).
CREATE INDEX IF NOT EXISTS mqlab_delivery_key ON mqlab_delivery (topic, group_name, msg_key, id)
    WHERE msg_key IS NOT NULL;
-- A message row is deleted with its last delivery.
CREATE INDEX IF NOT EXISTS mqlab_delivery_message ON mqlab_delivery (message_seq);

-- Messages a group gave up on, with a full copy of the envelope (replay re-publishes it).
CREATE TABLE IF NOT EXISTS mqlab_dead_letter (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic           TEXT        NOT NULL,
    group_name      TEXT        NOT NULL,
    message_id      UUID        NOT NULL,
    msg_key         TEXT,
    type            TEXT        NOT NULL,
    headers         JSONB       NOT NULL,
    payload         TEXT        NOT NULL,
    published_at    TIMESTAMPTZ NOT NULL,
    published_nano  INTEGER     NOT NULL,
    error_class     TEXT        NOT NULL,
    error_message   TEXT,
    attempts        INTEGER     NOT NULL,
    failed_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS mqlab_dead_letter_group ON mqlab_dead_letter (topic, group_name, id);

-- Queue tables churn: every row is inserted, updated and deleted within seconds. With the
-- default thresholds (20% of the table) dead tuples pile up and every claim wades through
-- them; vacuum and analyze after a fixed number of changes instead, without throttling,
-- and leave room in each page for HOT updates of the lease.
ALTER TABLE mqlab_delivery SET (fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE mqlab_message SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
