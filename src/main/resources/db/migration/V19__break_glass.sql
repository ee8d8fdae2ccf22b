-- Break-glass: staff with the break-glass permission open a study outside any share, only with a reason,
-- for a limited time; every opening waits for the privacy officer's review. Kept after the study is gone.
CREATE TABLE portal.break_glass (
    id           uuid PRIMARY KEY,
    actor        text NOT NULL,
    actor_name   text NOT NULL,
    study_ref    uuid REFERENCES portal.study (id) ON DELETE SET NULL,
    patient_ref  uuid NOT NULL,
    reason       text NOT NULL CHECK (length(btrim(reason)) >= 10),
    opened_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    review       text NOT NULL DEFAULT 'PENDING' CHECK (review IN ('PENDING', 'JUSTIFIED', 'NOT_JUSTIFIED')),
    reviewed_by  text,
    reviewed_at  timestamptz,
    review_notes text,
    CHECK (expires_at > opened_at)
);
CREATE INDEX break_glass_actor_idx ON portal.break_glass (actor, expires_at);
CREATE INDEX break_glass_pending_idx ON portal.break_glass (opened_at) WHERE review = 'PENDING';
-- what was opened, by whom, why and until when never changes; only the review is written later
REVOKE UPDATE, DELETE ON portal.break_glass FROM ${app_role};
GRANT UPDATE (review, reviewed_by, reviewed_at, review_notes) ON portal.break_glass TO ${app_role};
