-- The review desk: automatic corrections listed and overruled (issues.resolved), a reviewer's comment
-- on any answer, and the worklist paged in SQL (an index in its reading order).
ALTER TABLE issues ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE review_actions ADD COLUMN comment TEXT;
CREATE INDEX issues_record ON issues(record_id, status);
CREATE INDEX review_actions_issue ON review_actions(issue_id);
