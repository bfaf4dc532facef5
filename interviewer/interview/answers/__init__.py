"""Where the candidate's answers come from: audio files, typed text, a simulated candidate,
the microphone (answer by answer; the live, streaming microphone is in ``interview/live``)."""
