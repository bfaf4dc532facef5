"""One interview at a time, run by ``run_practice`` on a worker thread with the page as its
microphone, speakers and screen (or, with ``--local-audio``, this machine's microphone and
speakers and the page as the screen). When it ends, the session is graded and the page
is sent to its scorecard.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..catalog.personas import load_catalog
from ..errors import InterviewerError
from ..interview.answers.sources import AnswerContext
from ..interview.practice import PracticeOptions, run_practice
from ..interview.runner import InterviewRunner
from ..session.models import Turn
from ..session.store import atomic_write_text
from .answers import BrowserAnswers
from .channel import PageChannel, PageObserver

log = logging.getLogger(__name__)

MAX_CODE_BYTES = 200_000  # the code pad's text; more is not a solution to an interview task


class LiveInterview:
    """The interview in progress (one per server) and what the page may do to it."""

    def __init__(self, channel: PageChannel, options: PracticeOptions, local_audio: bool) -> None:
        self.channel = channel
        self.options = options
        self.local_audio = local_audio
        self.runner: InterviewRunner | None = None
        self.folder: Path | None = None
        self.thread: threading.Thread | None = None
        self._question_id: str | None = None
        self._catalog = load_catalog()
        self._stopped = threading.Event()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        self.channel.snapshot.turns = []
        self.channel.set_state("loading", status="loading the models…", error=None)
        self.thread = threading.Thread(target=self._run, name="interview", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self.channel.inbox.stop()

    # --- the worker thread ------------------------------------------------------------------

    def _run(self) -> None:
        observer = PageObserver(self.channel, on_turn=self._turn_recorded)
        try:
            kwargs: dict = {}
            if self.local_audio:
                kwargs = {"answers_factory": self._local_answers, "player": self._play_here}
            else:
                kwargs = {"answers_factory": self._answers, "player": self.channel.say}
            folder = run_practice(
                self.options,
                observer,
                on_session=self._session_started,
                on_runner=self._runner_ready,
                **kwargs,
            )
        except InterviewerError as exc:
            log.warning("the interview stopped: %s", exc.message)
            self.channel.set_state("failed", error=exc.message)
            return
        except Exception as exc:  # the page must hear of it; the turns so far are saved
            log.exception("the interview failed")
            self.channel.set_state("failed", error=f"{type(exc).__name__}: {exc}")
            return
        self.channel.status("grading…")
        try:
            from ..grading.rubric import load_rubric
            from ..report.build import open_session, scorecard_for

            session, _ = open_session(str(folder))
            scorecard_for(session, folder, load_rubric())
        except InterviewerError as exc:
            log.warning("grading failed: %s", exc.message)
        self.channel.set_state("finished", session_id=folder.name)

    def _answers(self, transcriber, speed):
        from ..machine.speed import plan_for

        return BrowserAnswers(
            self.channel.inbox,
            transcriber,
            streaming=self.options.streaming,
            endpoint=self.options.endpoint,
            plan=plan_for(speed),
            on_frame=self.channel.level,
            on_words=self.channel.words,
            on_turn=self._listening,
        )

    def _local_answers(self, transcriber, speed):
        """--local-audio: `practice`'s own microphone source, with the page as the screen;
        "End the interview" takes effect when the turn being recorded ends."""
        from ..interview.practice import make_answers

        source = make_answers(
            self.options, transcriber, self.channel.level, speed, self.channel.words
        )
        return UntilStopped(source, self._stopped, self._listening)

    def _play_here(self, path: Path, text: str, duration: float, listener=None) -> None:
        """--local-audio: the page shows the line as this machine's speakers say it; this
        machine's microphone holds, resumes or stops it as in the terminal (``play_over``)."""
        from ..audio.playback import output_available, play_file
        from ..interview.voice import play_over

        self.channel.publish({"type": "say", "line": 0, "text": text, "audio": False})
        if not output_available():
            return
        if listener is None:
            play_file(path)
        else:
            play_over(path, listener)

    def _session_started(self, folder: Path) -> None:
        self.folder = folder
        self.channel.set_state("running", session_id=folder.name, status="")

    def _runner_ready(self, runner: InterviewRunner) -> None:
        self.runner = runner

    # --- what the page shows ------------------------------------------------------------------

    def _listening(self, context: AnswerContext) -> None:
        """The candidate's turn: the round, persona, question, time box and code pad."""
        from ..catalog.personas import round_title
        from ..interview.policy.closing import CANDIDATE_QUESTIONS_ID

        if context.question_id != self._question_id:
            self._question_id = context.question_id
            self._code_for(context.question_id)
        info: dict = {
            "round": context.round,
            "round_title": round_title(context.round),
            "persona": self._catalog.persona_for_round(context.round, self.options.persona).name,
            "question_id": context.question_id,
            "act": context.interviewer_act,
            "line": context.interviewer_text,
            "question": None,
            "time_left_s": None,
            "thinking": bool(context.patience_s),
        }
        if context.question_id != CANDIDATE_QUESTIONS_ID:
            info["question"] = self._catalog.question(context.question_id).prompt
            if context.time_left_s is not None:  # the runner's count: waits for it left out
                info["time_left_s"] = round(context.time_left_s)
        self.channel.listening(info)

    def _code_for(self, question_id: str) -> None:
        workspace = self._workspace(question_id)
        if workspace is not None:
            text = workspace.path.read_text(encoding="utf-8", errors="replace")
            self.channel.code(question_id, text, workspace.path)

    def _workspace(self, question_id: str | None):
        coding = self.runner.coding if self.runner is not None else None
        if coding is None or question_id is None:
            return None
        return coding.workspaces.get(question_id)

    def _turn_recorded(self, turn: Turn) -> None:
        if turn.speaker == "candidate":
            end = turn.meta.get("speech_end_s")
            sample = int(float(end) * 16000) if end is not None else None
            self.channel.answer_ended(sample if turn.source == "microphone" else None)
        elif turn.act == "test_result":
            workspace = self._workspace(turn.question_id)
            if workspace is not None and workspace.runs:
                run = workspace.runs[-1]
                self.channel.run_result(
                    {
                        "passed": run.passed,
                        "total": run.total,
                        "all_passed": run.all_passed,
                        "sentence": run.sentence,
                        "said": turn.text,
                    }
                )

    # --- from the page ----------------------------------------------------------------------

    def save_code(self, question_id: str, text: str) -> bool:
        """Write the pad's text into the question's file (the one the runner watches and
        versions); only the question being asked, only text of a sane size."""
        workspace = self._workspace(question_id)
        if workspace is None or question_id != self._question_id:
            return False
        if len(text.encode("utf-8")) > MAX_CODE_BYTES:
            return False
        atomic_write_text(workspace.path, text)
        workspace.snapshot()
        self.channel.code_edited(text)
        return True


class UntilStopped:
    """An answer source that has no more answers once the page has ended the interview."""

    def __init__(self, source, stopped: threading.Event, on_turn) -> None:
        self.source = source
        self.stopped = stopped
        self.on_turn = on_turn
        self.kind = source.kind
        self.live = source.live

    def next_answer(self, context: AnswerContext):
        if self.stopped.is_set():
            return None
        self.on_turn(context)
        return self.source.next_answer(context)
