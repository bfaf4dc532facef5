"""The coding round with real code: tasks with hidden tests, a sandbox that runs them, and
what the interview and the grader make of the runs.

    tasks.py     a question's starter, hidden tests and reference, read from personas/
    sandbox.py   runs hidden tests on a file in a separate, limited ``python -I`` process
    harness.py   the script that runs inside that process (standard library only)
    models.py    CodeVersion, CodeRun, RunResult: what session.json records
    workspace.py the candidate's file in the session: versions, runs, the editor
    complexity.py the shape of the code as written: loops nested over the same list
    coach.py     the interviewer's coding moves: run on request, ask about a failing case

What the candidate says about their code ("run the tests", an example, edge cases) is read
by interviewer/speech_acts.py, like every other act.
"""
