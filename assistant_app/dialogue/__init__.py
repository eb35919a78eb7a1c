"""Multi-turn dialogue: frames, state, reply templates and the policy that picks what to do."""
