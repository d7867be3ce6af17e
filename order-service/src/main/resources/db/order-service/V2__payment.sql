-- Payment (POST /orders/{id}/pay) and cancellation of orders left unpaid (payment timeout).
ALTER TABLE orders
    ADD COLUMN paid_at           TIMESTAMPTZ,
    ADD COLUMN payment_reference TEXT,
    ADD COLUMN cancelled_at      TIMESTAMPTZ;

-- A paid or cancelled order always says when (and a paid one with which payment).
ALTER TABLE orders ADD CONSTRAINT orders_paid_has_payment
    CHECK (status <> 'PAID' OR (paid_at IS NOT NULL AND payment_reference IS NOT NULL));
ALTER TABLE orders ADD CONSTRAINT orders_cancelled_has_time
    CHECK (status <> 'CANCELLED' OR cancelled_at IS NOT NULL);
