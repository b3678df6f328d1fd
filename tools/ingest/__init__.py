"""Data in: read an export, recognise its dialect, parse dates and amounts, validate, join files and load one canonical table (``loading.load_exports``); targets (``targets.load_targets``)."""
