-- Evidence an executor attaches to a quarterly report. The bytes are kept like measure
-- attachments (by SHA-256 under the data folder, shared when the same file is uploaded twice);
-- reports are never deleted, so a file row lives until it is removed while its report is open.
CREATE TABLE review_report_files (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    report_id TEXT NOT NULL REFERENCES review_reports (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX review_report_files_report ON review_report_files (report_id, uploaded_at);
CREATE INDEX review_report_files_sha ON review_report_files (sha256);
