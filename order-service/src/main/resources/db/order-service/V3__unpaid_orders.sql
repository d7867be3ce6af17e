-- the overdue sweep looks up the oldest orders still PLACED
CREATE INDEX orders_unpaid ON orders (placed_at) WHERE status = 'PLACED';
