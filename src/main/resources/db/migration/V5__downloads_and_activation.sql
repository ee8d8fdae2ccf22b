-- Patient self-service: the body part a patient sees in their study list, and the activation of the
-- portal accounts the front desk issues (the activation code works once and only within its window).
ALTER TABLE portal.series ADD COLUMN body_part text NOT NULL DEFAULT '';

CREATE TABLE portal.account_activation (
    account_subject text PRIMARY KEY,
    -- the patient the account was issued for (null for a provider account)
    patient_ref     uuid REFERENCES portal.patient (id),
    issued_by       text NOT NULL,
    issued_at       timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    -- set when the account holder has replaced the activation code with their own password
    activated_at    timestamptz,
    -- set when the window passed without activation: the account was disabled
    expired_at      timestamptz,
    CHECK (expires_at > issued_at)
);
CREATE INDEX account_activation_pending_idx ON portal.account_activation (expires_at)
    WHERE activated_at IS NULL AND expired_at IS NULL;
