-- A reorder (POST /api/admin/appointments/{id}/reorder) renumbers the positions of the other cards
-- of the card's column and day. Each card whose position it changes gets a 'positioned' event, so
-- that live boards see the new order; it is not a history row (that card's version is unchanged),
-- so the history endpoint and the invariant version - 1 = 'moved' rows keep their meaning.
ALTER TABLE appointment_moves
    DROP CONSTRAINT appointment_moves_kind_check,
    ADD CONSTRAINT appointment_moves_kind_check CHECK (kind IN ('created', 'moved', 'positioned', 'deleted')),
    ADD CONSTRAINT appointment_moves_positioned_complete CHECK (kind <> 'positioned'
        OR (to_status IS NOT NULL AND to_version IS NOT NULL AND position IS NOT NULL));
