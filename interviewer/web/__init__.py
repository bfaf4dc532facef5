"""`interviewer serve`: the interview, code pad, scorecard and history in a local web page.

The page is a front end on the same pipeline as ``practice`` (interview/practice.py): its
microphone stream and typed text are an answer source (``answers.py``), the interviewer's
synthesised lines are played in the page (``channel.PagePlayer``), and the runner's turns
are shown as they are recorded. ``security.py`` keeps the server to this machine's user.
"""
