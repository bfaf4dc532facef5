"""The interviewer's catalogue: rounds, personas and question banks (models and loading)."""
