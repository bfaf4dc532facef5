"""Does the words' end-of-turn reader, fitted on telephone calls, read interview answers?

    .venv/bin/python benchmarks/text_end_interviews.py [--mit DIR] [--json OUT]

The reader (``turns/text_end.py``) was fitted on Switchboard, where the other side cuts in.
In an interview nobody cuts in: an answer runs on through sentence after sentence, and only
its last one ends the turn. This reads the real mock interviews of
``../shared/data/interviews-mit/`` (no timings; README there): each interviewee answer (turns
joined across the interviewer's "Mm-hmm"s, as ``followups.read_answers`` joins them) of
``MIN_WORDS`` words or more; every sentence end inside it and every point where the
interviewer's backchannel broke in is a place the candidate went on (a **hold**), and the
answer's last word is its end (a **shift**). At each, the live reader's standard score (how
much more finished than a typical pause) and the word table's wait (``turns/completeness.py``)
are read from the words so far, as the recogniser writes them (commas back).

Reported: the AUC of ends against holds for the reader and for the word table (its shorter
wait read as "more finished"), and, for the live waits with the reader and no voice
(``VoiceEndPolicy.meaning_waits_ms``), the share of holds and of ends given the shortest wait.
No pause lengths: every hold counts once, whether the candidate paused there or not, so the
false-end rate of the issue cannot be read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
from followups import clean, is_backchannel
from text_end_fit import auc

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.turns.endpointing import EndpointConfig, TurnEndPolicy  # noqa: E402
from interviewer.turns.text_end import load_text_end  # noqa: E402
from interviewer.turns.voice_end import VoiceEndConfig, VoiceEndPolicy  # noqa: E402

MIT = REPO_ROOT.parent / "shared" / "data" / "interviews-mit"
MIN_WORDS = 15
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def answers(directory: Path) -> list[tuple[str, list[str]]]:
    """(interview, the answer's pieces): a piece ends at a sentence end or a backchannel."""
    found: list[tuple[str, list[str]]] = []
    with (directory / "transcripts.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            turns = [t.strip() for t in row["Details"].split("|") if t.strip()]
            pieces: list[str] = []
            for turn in turns + ["Interviewer: ?"]:
                speaker, _, words = turn.partition(":")
                if speaker == "Interviewee":
                    text = clean(words)
                    pieces += [s for s in _SENTENCE_END.split(text) if s.strip()]
                elif speaker == "Interviewer" and not is_backchannel(words):
                    if sum(len(p.split()) for p in pieces) >= MIN_WORDS:
                        found.append((row["Code"], pieces))
                    pieces = []
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mit", type=Path, default=MIT, help="the interviews-mit folder")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not (args.mit / "transcripts.csv").is_file():
        print(f"no {args.mit / 'transcripts.csv'}: nothing to measure", file=sys.stderr)
        return 2
    meaning = load_text_end()
    if meaning is None:
        print("the reader will not load (see the warning above)", file=sys.stderr)
        return 2
    words_policy = TurnEndPolicy(EndpointConfig())
    policy = VoiceEndPolicy(words_policy, None, VoiceEndConfig(), meaning)
    shortest = VoiceEndConfig().text_min_ms
    kinds, scores, table_waits, live_waits = [], [], [], []
    found = answers(args.mit)
    for n, (_, pieces) in enumerate(found):
        for i in range(len(pieces)):
            said = " ".join(pieces[: i + 1])
            kinds.append("shift" if i == len(pieces) - 1 else "hold")
            scores.append(meaning.standard_score(said))
            table_waits.append(words_policy.wait_ms(words_policy.read(said)))
            pair = policy.waits_ms(said)
            live_waits.append(pair[0] if pair is not None else table_waits[-1])
        if n % 100 == 0:
            print(f"  read {n} of {len(found)} answers", file=sys.stderr, flush=True)
    shift = np.array(kinds) == "shift"
    score, table, live = np.array(scores), -np.array(table_waits), np.array(live_waits)
    report = {
        "answers": len(found),
        "interviews": len({code for code, _ in found}),
        "holds": int((~shift).sum()),
        "shifts": int(shift.sum()),
        "reader_auc": round(auc(score[shift], score[~shift]), 3),
        "word_table_auc": round(auc(table[shift], table[~shift]), 3),
        "shortest_wait_ms": shortest,
        "holds_at_shortest_wait": round(float((live[~shift] <= shortest).mean()), 3),
        "shifts_at_shortest_wait": round(float((live[shift] <= shortest).mean()), 3),
        "live_wait_mean_ms_holds": round(float(live[~shift].mean())),
        "live_wait_mean_ms_shifts": round(float(live[shift].mean())),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
