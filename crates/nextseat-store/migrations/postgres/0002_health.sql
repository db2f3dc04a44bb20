-- One row that /healthz rewrites to prove the database still accepts writes (a disk that
-- is full or a read-only server fails here before it fails a client's save).
CREATE TABLE health (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    checked_at_ms BIGINT NOT NULL
);
-- Retention (serve --keep-anonymous) deletes by age.
CREATE INDEX assessments_created_at ON assessments (created_at_ms);
