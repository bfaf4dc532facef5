"""The interviewer's decisions: pure and synchronous (gates in code, the LLM's probe validated)."""
