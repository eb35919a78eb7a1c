"""Speech synthesis (issue 4): not built yet."""
