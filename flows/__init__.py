"""The intake conversation: LangGraph state machine, crisis triage, after-hours policy."""
