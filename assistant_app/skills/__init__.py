"""Skills: what the assistant can do, one module per area."""
