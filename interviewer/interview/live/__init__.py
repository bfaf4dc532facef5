"""The live turn's threads: the streaming microphone and its pause watcher, the reply
prepared while the candidate talks, and the whole-answer retranscription after the reply."""
