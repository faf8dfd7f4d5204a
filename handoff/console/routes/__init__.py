"""The console's routes, one file per noun; joined in ``handoff.console.router``."""
