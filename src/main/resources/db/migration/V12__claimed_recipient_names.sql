-- A share link's recipient gives their name when they enter the access code; releases under the link
-- record it next to the name the patient gave at issue (the disclosure table stays append-only).
ALTER TABLE portal.disclosure ADD COLUMN recipient_claimed text;
