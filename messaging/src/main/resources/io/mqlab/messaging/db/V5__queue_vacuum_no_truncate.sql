-- A queue table empties often, so every vacuum would truncate its trailing pages: that
-- takes an ACCESS EXCLUSIVE lock and stalls every publish and claim on the table while it
-- holds it. The empty pages are reused by the next inserts anyway.
ALTER TABLE mqlab_delivery SET (vacuum_truncate = false);
ALTER TABLE mqlab_message SET (vacuum_truncate = false);
