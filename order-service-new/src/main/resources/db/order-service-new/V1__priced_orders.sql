CREATE TABLE priced_order (
    id          UUID PRIMARY KEY,
    customer_id TEXT        NOT NULL,
    placed_at   TIMESTAMPTZ NOT NULL,
    document    JSONB       NOT NULL
);
CREATE INDEX priced_order_customer ON priced_order (customer_id, placed_at DESC);
