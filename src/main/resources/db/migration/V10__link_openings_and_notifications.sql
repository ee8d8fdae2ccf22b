-- When a share link was last opened (for the patient's dashboard), and the patient's notifications (one
-- per opening of something they shared). Notifications are kept; the app role may only mark them read.
ALTER TABLE portal.share_link ADD COLUMN last_opened_at timestamptz;
GRANT UPDATE (last_opened_at) ON portal.share_link TO ${app_role};

CREATE TABLE portal.notification (
    id          bigserial PRIMARY KEY,
    patient_ref uuid NOT NULL REFERENCES portal.patient (id),
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL CHECK (kind IN ('LINK_OPENED', 'GRANT_OPENED')),
    message     text NOT NULL,
    read_at     timestamptz
);
CREATE INDEX notification_patient_idx ON portal.notification (patient_ref, at DESC);
REVOKE UPDATE, DELETE ON portal.notification FROM ${app_role};
GRANT UPDATE (read_at) ON portal.notification TO ${app_role};
