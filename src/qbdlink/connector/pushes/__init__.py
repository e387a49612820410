"""Writing records into QuickBooks: one writer per data type (its Add/Mod/Del requests, the
checks before writing, the fields an update touches), and the executor that carries pushes out
exactly once."""
