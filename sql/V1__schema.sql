-- Core schema of the Move API. Amounts are numeric (exact money), timestamps timestamptz.
CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone       text,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
    id             bigserial PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customers(id),
    make           text NOT NULL,
    model          text NOT NULL,
    year           integer CHECK (year BETWEEN 1886 AND 2100),
    vin            text,
    license_plate  text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicles_customer_idx ON vehicles (customer_id);

CREATE TABLE appointments (
    id            bigserial PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers(id),
    vehicle_id    bigint NOT NULL REFERENCES vehicles(id),
    appt_start    timestamptz NOT NULL,
    appt_end      timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'scheduled'
                  CHECK (status IN ('scheduled', 'in_progress', 'ready', 'completed', 'no_show')),
    position      integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    check_in_at   timestamptz,
    check_out_at  timestamptz,
    tech_id       text,
    total_amount  numeric(12, 2) NOT NULL DEFAULT 0 CHECK (total_amount >= 0),
    paid_amount   numeric(12, 2) NOT NULL DEFAULT 0 CHECK (paid_amount >= 0),
    notes         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (appt_end > appt_start)
);
-- The board and stats select one local day as a half-open range on appt_start.
CREATE INDEX appointments_appt_start_idx ON appointments (appt_start);

-- One row per successful move, written by the move's own statement.
CREATE TABLE appointment_moves (
    id              bigserial PRIMARY KEY,
    appointment_id  bigint NOT NULL REFERENCES appointments(id),
    from_status     text NOT NULL,
    to_status       text NOT NULL,
    from_version    integer NOT NULL,
    to_version      integer NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    request_id      text NOT NULL
);
CREATE INDEX appointment_moves_appointment_idx ON appointment_moves (appointment_id, id DESC);

-- First definitive answer of a keyed move, replayed for repeats of the same request.
CREATE TABLE idempotency_keys (
    key             text PRIMARY KEY,
    request_hash    text NOT NULL,
    status_code     integer NOT NULL,
    response_body   text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
