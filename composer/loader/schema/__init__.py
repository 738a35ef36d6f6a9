"""The schema stage: the merged document validated against composer's compose schema."""
