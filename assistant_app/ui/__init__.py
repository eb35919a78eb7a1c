"""The desktop app: the only Qt code in the project (PySide6). Start it with `assistant`."""
