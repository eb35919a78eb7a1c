"""The assistant: engine, dialogue, skills, storage, CLI (and the Qt UI in ui/)."""
