-- Notifications of a new study, of a share about to end and of a delivered accounting, and when each was e-mailed.
-- A share is warned of its end once.
ALTER TABLE portal.notification DROP CONSTRAINT notification_kind_check;
ALTER TABLE portal.notification ADD CONSTRAINT notification_kind_check
    CHECK (kind IN ('LINK_OPENED', 'GRANT_OPENED', 'NEW_STUDY', 'SHARE_EXPIRING', 'ACCOUNTING_DELIVERED'));
ALTER TABLE portal.notification ADD COLUMN emailed_at timestamptz;
GRANT UPDATE (emailed_at) ON portal.notification TO ${app_role};

ALTER TABLE portal.share_grant ADD COLUMN expiry_notified_at timestamptz;
GRANT UPDATE (expiry_notified_at) ON portal.share_grant TO ${app_role};
ALTER TABLE portal.share_link ADD COLUMN expiry_notified_at timestamptz;
GRANT UPDATE (expiry_notified_at) ON portal.share_link TO ${app_role};
