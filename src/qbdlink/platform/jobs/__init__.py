"""Background work: the database job queue, the sync scheduler and webhook delivery."""
