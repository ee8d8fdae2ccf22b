-- A share link may be bound to a registered physician: then only that physician, signed in to the portal
-- (password and one-time code), can open it with the access code. Fixed at issue like the rest of the scope.
ALTER TABLE portal.share_link ADD COLUMN bound_provider uuid REFERENCES portal.provider (id);
