"""Documents the importer was not tuned on, their expected results, and their scoring."""
