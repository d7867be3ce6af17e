-- Delayed delivery. due_at is when a delivery row joins its group's queue: when it was
-- published, or the due time of a delayed message. visible_at starts there too, but leases
-- and retries move it; due_at never changes, so it can be indexed and claims stay HOT
-- updates. now() is not volatile: existing rows get the migration's time, no rewrite.
ALTER TABLE mqlab_delivery ADD COLUMN IF NOT EXISTS due_at TIMESTAMPTZ NOT NULL DEFAULT now();

-- A group's queue in (due_at, id) order: a claim reads its due rows and stops at now(),
-- so delayed rows still pending are never read.
CREATE INDEX IF NOT EXISTS mqlab_delivery_due ON mqlab_delivery (topic, group_name, due_at, id);
-- The head of a key is its first row in that order.
CREATE INDEX IF NOT EXISTS mqlab_delivery_key_due ON mqlab_delivery (topic, group_name, msg_key, due_at, id)
    WHERE msg_key IS NOT NULL;
-- Replaced by the two above (same columns with due_at before id).
DROP INDEX IF EXISTS mqlab_delivery_queue;
DROP INDEX IF EXISTS mqlab_delivery_key;
