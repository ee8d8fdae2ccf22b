-- The opener may end a break-glass opening before its window runs out (the patient has been moved on, the images
-- were the wrong ones): from then on the opening gives no access. Only the end is written; what was opened, by whom,
-- why and until when stays as it was.
ALTER TABLE portal.break_glass ADD COLUMN ended_at timestamptz;
ALTER TABLE portal.break_glass ADD CONSTRAINT break_glass_ended_check CHECK (ended_at IS NULL OR ended_at >= opened_at);
GRANT UPDATE (ended_at) ON portal.break_glass TO ${app_role};
