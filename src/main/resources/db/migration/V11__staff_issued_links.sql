-- Share links issued by the front desk on the patient's behalf record the patient's written authorization.
-- Like the rest of a link's scope it never changes (the app role's UPDATE is limited to counters and revocation).
ALTER TABLE portal.share_link ADD COLUMN authorization_note text;
