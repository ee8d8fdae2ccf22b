-- Each instance's DICOM JSON metadata (without pixel data), made at ingest and encrypted with the study's data key
-- (bound to the study, the instance's object and its purpose), so that WADO-RS metadata is answered from the index
-- without fetching, decrypting and parsing the images. Instances stored before this have none and are read from
-- the object store as before. Destroying the study's key makes it unreadable with the images.
ALTER TABLE portal.instance ADD COLUMN metadata bytea;
