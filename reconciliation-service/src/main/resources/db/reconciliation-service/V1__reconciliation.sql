CREATE TABLE reconciliation_result (
    order_id      UUID PRIMARY KEY,
    status        TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    legacy_at     TIMESTAMPTZ,
    new_at        TIMESTAMPTZ,
    compared_at   TIMESTAMPTZ,
    late          BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX reconciliation_result_pending ON reconciliation_result (first_seen_at) WHERE status = 'PENDING';
CREATE INDEX reconciliation_result_status ON reconciliation_result (status, compared_at DESC);

CREATE TABLE order_event (
    order_id    UUID        NOT NULL REFERENCES reconciliation_result (order_id),
    side        TEXT        NOT NULL CHECK (side IN ('LEGACY', 'NEW')),
    message_id  UUID        NOT NULL,
    payload     JSONB       NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (order_id, side)
);

CREATE TABLE field_diff (
    order_id         UUID NOT NULL REFERENCES reconciliation_result (order_id),
    field            TEXT NOT NULL,
    normalized_field TEXT NOT NULL,
    legacy_value     TEXT,
    new_value        TEXT,
    PRIMARY KEY (order_id, field)
);
CREATE INDEX field_diff_field ON field_diff (normalized_field);
