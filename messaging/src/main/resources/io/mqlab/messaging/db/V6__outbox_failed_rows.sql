-- A row the broker rejects whatever the retries (a name, header or size the publisher
-- refuses) is set aside: marked failed with the reason, so the rows after it keep flowing.
-- It stays until an operator deletes it or clears failed_at to send it again.
ALTER TABLE mqlab_outbox ADD COLUMN IF NOT EXISTS failed_at TIMESTAMPTZ;
ALTER TABLE mqlab_outbox ADD COLUMN IF NOT EXISTS failure TEXT;
CREATE INDEX IF NOT EXISTS mqlab_outbox_failed ON mqlab_outbox (id) WHERE failed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS mqlab_outbox_waiting ON mqlab_outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
