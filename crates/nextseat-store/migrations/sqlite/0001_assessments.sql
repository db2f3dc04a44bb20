-- Stored assessments. A row is written once and never updated.
-- id: a random UUID v4 (122 random bits), the public identifier in URLs.
-- idempotency_key: the client's Idempotency-Key header, unique when present, so a retry
--   after a dropped connection returns the first result instead of storing it twice.
-- request: the profile JSON as received; a retry must send the same request.
CREATE TABLE assessments (
    id              TEXT PRIMARY KEY NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    idempotency_key TEXT UNIQUE,
    request         TEXT NOT NULL,
    result          TEXT NOT NULL
);
