-- A grant to a physician may cover chosen series only (null: the whole study). Like a share link's, a
-- grant's scope never changes after it is made: the app role may only revoke it.
ALTER TABLE portal.share_grant ADD COLUMN series_uids text[];
REVOKE UPDATE ON portal.share_grant FROM ${app_role};
GRANT UPDATE (revoked_at, revoked_by) ON portal.share_grant TO ${app_role};
