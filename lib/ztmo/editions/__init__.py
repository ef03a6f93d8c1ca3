"""Static regional editions of the notebooks (`ztmo editie`)."""
