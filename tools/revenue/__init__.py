"""The revenue view: why revenue moved (bridge), win rates by value, whether a change is material, and the quarter ahead."""
