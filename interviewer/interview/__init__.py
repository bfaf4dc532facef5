"""The interviewer: personas and question banks (data), and the policy that runs a round."""
