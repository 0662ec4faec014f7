// Placeholder; filled in by the daemon-core work.
