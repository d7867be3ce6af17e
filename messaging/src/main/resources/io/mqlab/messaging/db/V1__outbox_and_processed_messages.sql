-- Transactional outbox: rows written in the business transaction, relayed after commit.
CREATE TABLE IF NOT EXISTS mqlab_outbox (
    id          BIGSERIAL PRIMARY KEY,
    message_id  UUID        NOT NULL,
    topic       TEXT        NOT NULL,
    msg_key     TEXT,
    type        TEXT        NOT NULL,
    headers     JSONB       NOT NULL,
    payload     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS mqlab_outbox_unsent ON mqlab_outbox (id) WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS mqlab_outbox_sent_at ON mqlab_outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Idempotent consumers: one row per (group, message) handled.
CREATE TABLE IF NOT EXISTS mqlab_processed_message (
    group_name   TEXT        NOT NULL,
    message_id   UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_name, message_id)
);
