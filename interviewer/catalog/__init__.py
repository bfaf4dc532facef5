"""The interviewer's catalogue: rounds (``rounds.py``), personas and question banks
(``personas.py``): models and loading."""
