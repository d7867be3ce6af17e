CREATE TABLE orders (
    id               UUID PRIMARY KEY,
    customer_id      TEXT          NOT NULL,
    currency         TEXT          NOT NULL,
    shipping_country TEXT          NOT NULL,
    coupon_code      TEXT,
    subtotal         NUMERIC(14,2) NOT NULL,
    discount         NUMERIC(14,2) NOT NULL,
    tax              NUMERIC(14,2) NOT NULL,
    shipping         NUMERIC(14,2) NOT NULL,
    total            NUMERIC(14,2) NOT NULL,
    status           TEXT          NOT NULL,
    placed_at        TIMESTAMPTZ   NOT NULL,
    idempotency_key  TEXT UNIQUE,
    request_hash     TEXT,
    version          BIGINT        NOT NULL DEFAULT 0
);
CREATE INDEX orders_customer ON orders (customer_id, placed_at DESC);

CREATE TABLE order_line (
    order_id   UUID          NOT NULL REFERENCES orders (id),
    position   INT           NOT NULL,
    sku        TEXT          NOT NULL,
    quantity   INT           NOT NULL,
    unit_price NUMERIC(14,2) NOT NULL,
    line_total NUMERIC(14,2) NOT NULL,
    PRIMARY KEY (order_id, position)
);
