-- Return attributes QIDO-RS must give at series level (PS3.18 table 10.6.3-5: the performed procedure step's start
-- time, the Request Attributes Sequence) and at instance level (table 10.6.3-6: Bits Allocated). Rows stored
-- before this answer them empty, as an instance without the attribute would.
ALTER TABLE portal.series ADD COLUMN performed_start_time text NOT NULL DEFAULT '';
ALTER TABLE portal.series ADD COLUMN request_attributes jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(request_attributes) = 'array' AND jsonb_array_length(request_attributes) <= 16);
ALTER TABLE portal.instance ADD COLUMN bits_allocated integer CHECK (bits_allocated BETWEEN 1 AND 64);
