"""The column-mapping editor: suggestions from the loader, the editor rows, its handlers, saved mappings per user."""
