# accord — English (second language): instance

instance-backup-invalid = This is not an accord backup, or a damaged one: { $detail }. Nothing was restored.
instance-backup-file-missing = The file { $file }, which the data refers to, vanished while it was copied (it was being uploaded or removed). Run the backup again.
instance-backup-schema = The backup was taken with database schema version { $archive }, this database is at version { $store }. Restore with the accord version the backup was taken with.
instance-restore-not-empty = The database is not empty. A backup is restored only into an empty data folder or an empty PostgreSQL database.
