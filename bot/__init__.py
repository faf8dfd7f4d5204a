"""tobira service: app factory, settings, channels, conversation service, storage, CLI."""
