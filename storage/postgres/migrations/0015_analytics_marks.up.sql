-- A refresh folds in every mark of the deals it takes, not just a number
-- of marks: a bulk import marks the same deal once per first use, often
-- ten times or more, and taking marks one by one recounted each deal that
-- many times. Finding all marks of a deal needs this index.
CREATE INDEX analytics_dirty_deal_idx ON analytics_dirty (org_id, deal_id);
