"""Speech: text to speech for the interviewer, speech to text for the candidate."""
