"""Demo data: the bundled sample exports (``sample``), writing a canonical frame in each export dialect (``exports``) and planted scenarios with known truth (``scenarios``)."""
