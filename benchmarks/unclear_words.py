"""Does the speech recogniser know which words it misheard? Its word probability as a flag.

    .venv/bin/python benchmarks/unclear_words.py [--json FILE] [--limit N] [--voices en-us]

A follow-up that quotes a misheard word ("What makes the review queue prioritise the news by
predicted summarity time?" after "ordered by predicted severity times expected views") is a
question no person would ask. The interviewer does not quote a word the recogniser gave a
probability under ``UNCLEAR_WORD_PROBABILITY`` that is not a known word (the recogniser's
whole-word vocabulary or the question banks'; ``interview/policy/unclear.py``). This
measures that flag beside the probability alone: every recognised word is aligned with the
words actually said (difflib on the bare words), and a word is **misheard** when it is not
in a matching run (numbers written as digits count as misheard too). For each threshold it
prints the share of words flagged, the precision (misheard among the flagged) and the recall
(flagged among the misheard), for all words and for the naming words a follow-up can quote;
and the AUC of 1 - probability as a score for misheard.

Material: jfk.flac (real speech, ``../shared/data/speech``; it has few errors) and every
line of the simulated candidates' scripts (``personas/simulated``) spoken by espeak-ng in
the simulated candidate's voice and transcribed as the interview does (with the question's
vocabulary as the prompt). espeak-ng is synthetic speech: the recogniser's errors on it are
more frequent than on most people, and may not be distributed the same way.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import json
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_stats import evenly_spaced  # noqa: E402
from benchmarks.stt_accuracy import JFK, JFK_TEXT, synthesise  # noqa: E402
from interviewer.catalog.personas import load_catalog  # noqa: E402
from interviewer.interview.answers.simulated import (  # noqa: E402
    VOICE_ID,
    VOICE_RATE_WPM,
    load_simulated,
)
from interviewer.interview.policy.probes import naming_words  # noqa: E402
from interviewer.interview.policy.unclear import (  # noqa: E402
    UNCLEAR_WORD_PROBABILITY,
    known_words,
)
from interviewer.speech.stt import build_prompt, load_transcriber  # noqa: E402
from interviewer.speech_acts import bare_words  # noqa: E402

THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)


def labelled_words(reference: str, words: list) -> list[tuple[str, float, bool]]:
    """(word, probability, misheard) for each recognised word, aligned with ``reference``."""
    said = bare_words(reference)
    heard: list[str] = []
    owner: list[int] = []  # the recognised word each bare token came from
    for i, w in enumerate(words):
        for token in bare_words(w.word):
            heard.append(token)
            owner.append(i)
    right = [False] * len(heard)
    matcher = difflib.SequenceMatcher(a=heard, b=said, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            right[block.a + k] = True
    wrong_words = {owner[k] for k in range(len(heard)) if not right[k]}
    return [
        (w.word, w.probability, i in wrong_words) for i, w in enumerate(words) if bare_words(w.word)
    ]


def auc(scores_bad: list[float], scores_good: list[float]) -> float | None:
    """P(a misheard word scores above a heard one), ties half."""
    if not scores_bad or not scores_good:
        return None
    good = sorted(scores_good)
    total = 0.0
    for s in scores_bad:
        lo, hi = bisect.bisect_left(good, s), bisect.bisect_right(good, s)
        total += lo + 0.5 * (hi - lo)
    return total / (len(scores_bad) * len(good))


def figures(rows: list[tuple[str, float, bool]], known: frozenset[str]) -> dict:
    """How the probability alone, and with the vocabulary (the shipped rule), flag misheard
    words."""
    bad = [1 - p for _, p, m in rows if m]
    good = [1 - p for _, p, m in rows if not m]
    out: dict = {
        "words": len(rows),
        "misheard": len(bad),
        "misheard_share": round(len(bad) / len(rows), 4) if rows else None,
        "auc": None if auc(bad, good) is None else round(auc(bad, good), 3),
        "probability_alone": {},
        "probability_and_not_a_known_word": {},
    }
    for t in THRESHOLDS:
        alone = [m for _, p, m in rows if p < t]
        unknown = [
            m
            for w, p, m in rows
            if p < t and any(x not in known and not x.isdigit() for x in bare_words(w))
        ]
        for key, flagged in (
            ("probability_alone", alone),
            ("probability_and_not_a_known_word", unknown),
        ):
            out[key][str(t)] = {
                "flagged_share": round(len(flagged) / len(rows), 4) if rows else None,
                "precision": round(sum(flagged) / len(flagged), 3) if flagged else None,
                "recall": round(sum(flagged) / len(bad), 3) if bad else None,
            }
    return out


def show(label: str, f: dict) -> None:
    print(
        f"== {label}: {f['words']} words, {f['misheard']} misheard ({f['misheard_share']:.1%}),"
        f" AUC {f['auc']}"
    )
    for key in ("probability_alone", "probability_and_not_a_known_word"):
        print(f"   {key.replace('_', ' ')}")
        print(f"   {'p <':>6} {'flagged':>8} {'precision':>10} {'recall':>8}")
        for t, row in f[key].items():
            shipped = key != "probability_alone" and float(t) == UNCLEAR_WORD_PROBABILITY
            prec = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
            rec = "n/a" if row["recall"] is None else f"{row['recall']:.2f}"
            mark = "  <- shipped" if shipped else ""
            print(f"   {t:>6} {row['flagged_share']:8.1%} {prec:>10} {rec:>8}{mark}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--limit", type=int, default=0, help="script lines (0: all)")
    parser.add_argument("--voices", default=VOICE_ID, help="espeak-ng voices, comma-separated")
    parser.add_argument("--rows", type=Path, help="also write every word (word, p, misheard, qid)")
    args = parser.parse_args(argv)
    transcriber = load_transcriber(None)
    catalog = load_catalog()
    questions = {q.id: q for bank in catalog.banks.values() for q in bank.questions}
    lines = [
        (qid, turn.say)
        for qid, scripts in load_simulated(catalog=catalog).items()
        for level in (scripts.strong, scripts.weak)
        for turn in level.turns
    ]
    if args.limit:
        lines = evenly_spaced(lines, args.limit)
    report: dict = {"model": transcriber.description}
    known = known_words(transcriber)
    if JFK.exists():
        got = transcriber.transcribe(JFK)
        report["jfk_real_speech"] = figures(labelled_words(JFK_TEXT, got.words), known)
        show("jfk.flac (real speech)", report["jfk_real_speech"])
    else:
        print(f"no {JFK}: real speech skipped")
    rows: list[tuple[str, float, bool]] = []
    dumped: list[tuple[str, float, bool, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in args.voices.split(","):
            for n, (qid, text) in enumerate(lines):
                wav = synthesise(text, Path(tmp) / f"{n}.wav", voice, VOICE_RATE_WPM)
                question = questions[qid]
                got = transcriber.transcribe(
                    wav, prompt=build_prompt(question.terms, question.prompt)
                )
                labelled = labelled_words(text, got.words)
                rows += labelled
                dumped += [(w, p, m, qid) for w, p, m in labelled]
    report["espeak_scripts"] = figures(rows, known)
    report["espeak_lines"] = len(lines) * len(args.voices.split(","))
    show(f"simulated scripts, espeak-ng ({report['espeak_lines']} lines)", report["espeak_scripts"])
    naming = [r for r in rows if naming_words(r[0])]
    report["espeak_naming_words"] = figures(naming, known)
    show("the same, naming words only", report["espeak_naming_words"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if args.rows:
        args.rows.write_text(json.dumps(dumped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
