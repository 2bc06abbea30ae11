-- The move history becomes the board's event log: every create, move and delete of a card writes
-- one row here in its own statement, so a live board needs no NOTIFY inside any change's
-- transaction and no extra row per move. The history endpoint lists the rows of kind 'moved' only.
--
-- Readers walk (txid, id) upwards and take only rows whose transaction id is below the oldest
-- transaction still running, pg_snapshot_xmin(pg_current_snapshot()): such rows are final (their
-- writer has committed or rolled back), so a late committer is never skipped and an uncommitted
-- row never read. docs/decisions.md ("The stream") has the reasoning.

-- A deletion's event outlives its card, so the log cannot reference appointments.
ALTER TABLE appointment_moves DROP CONSTRAINT appointment_moves_appointment_id_fkey;

ALTER TABLE appointment_moves
    -- Every row written before this migration is a move; writers name the kind from now on.
    ADD COLUMN kind text NOT NULL DEFAULT 'moved' CHECK (kind IN ('created', 'moved', 'deleted')),
    -- The card's mutable fields after the change, beside to_status, to_version and at (= updated_at).
    ADD COLUMN position integer,
    ADD COLUMN check_in_at timestamptz,
    ADD COLUMN check_out_at timestamptz,
    -- Which board the event belongs to (appt_start never changes), kept for deletions too.
    ADD COLUMN appt_start timestamptz,
    -- A constant default keeps this migration from rewriting the table; older rows are never read as events.
    ADD COLUMN txid xid8 NOT NULL DEFAULT '0';

ALTER TABLE appointment_moves
    ALTER COLUMN kind DROP DEFAULT,
    ALTER COLUMN txid SET DEFAULT pg_current_xact_id(),
    ALTER COLUMN from_status DROP NOT NULL,
    ALTER COLUMN to_status DROP NOT NULL,
    ALTER COLUMN from_version DROP NOT NULL,
    ALTER COLUMN to_version DROP NOT NULL,
    -- A move keeps the history's meaning: one row per successful move, from and to.
    ADD CONSTRAINT appointment_moves_move_complete CHECK (kind <> 'moved'
        OR (from_status IS NOT NULL AND to_status IS NOT NULL AND from_version IS NOT NULL AND to_version IS NOT NULL));

-- The readers' order: live delivery and Last-Event-ID replay.
CREATE INDEX appointment_moves_txid_idx ON appointment_moves (txid, id);
