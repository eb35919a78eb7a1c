"""Speech recognition (issue 3): not built yet."""
