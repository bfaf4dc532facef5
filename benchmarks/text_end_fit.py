"""Fit, and measure held out, the probe that reads the end of a turn in the words' meaning.

    .venv/bin/python benchmarks/text_end_fit.py \\
        --timings ../shared/data/turn-taking/switchboard_dev_timings.csv \\
        --states /tmp/text_end_states.npz [--write interviewer/turns/text_end_probe.json] \\
        [--json OUT]

Every pause of a Switchboard-format timings file (``turn_taking_voice_bound.pauses``: silences
of 0.2 s or more inside turns of more than 1 s of speech are holds, each turn's last word a
shift) goes once through the live reader (``turns/text_end.TextEndReader``: SmolLM2's final
hidden state after the words so far, its log-probability of ending the message, the number of
words), about 6 minutes on two cores; ``--states`` keeps them for the next run. A logistic
regression (numpy, Newton steps, L2 penalty) separates shifts from holds.

Measured held out: the calls are split into ``FOLDS`` folds (a call's two sides together),
each fold scored by a probe fitted on the others, its penalty chosen by the same kind of split
inside them. Reported from those held-out scores: the AUC of shifts against holds, overall and
per word-list ending (``turns/completeness.py``), and the live combination's waits
(``turns/voice_end.VoiceEndPolicy`` with the reader in place of the word table, no voice) as
the issue measures them: false ends at holds, the mean end delay at shifts, and silence alone
at that delay, with the word table itself beside it, over a grid of the waits; and, with the
default waits, both again with a scripted voice of the accuracies in
``turn_taking_voice_bound.VOICES_BY_ENDING`` (word timings carry no audio). ``--write`` fits
the probe on every pause (the penalty chosen held out) and writes it as the reader's data
file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
from turn_taking_voice_bound import (
    MAX_WAIT_S,
    VOICES_BY_ENDING,
    Pause,
    ScriptedVoice,
    on_frame_grid,
    pauses,
    trade_off,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.llm.gguf import smollm2_model_path  # noqa: E402
from interviewer.turns.endpointing import EndpointConfig, TurnEndPolicy  # noqa: E402
from interviewer.turns.text_end import TextEndProbe, TextEndReader  # noqa: E402
from interviewer.turns.voice_end import VoiceEndConfig, VoiceEndPolicy  # noqa: E402

SYSTEM = "A spoken conversation, transcribed."
FOLDS = 5
PENALTIES = (100.0, 300.0, 1000.0, 3000.0)
NEWTON_STEPS = 25


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The chance that a shift scores above a hold (ties count half)."""
    if not positive.size or not negative.size:
        return float("nan")
    values = np.concatenate([positive, negative])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(values.size)
    ranks[order] = np.arange(1, values.size + 1)
    for value in np.unique(values[np.r_[False, np.diff(values[order]) == 0]]):  # ties
        ranks[values == value] = ranks[values == value].mean()
    top = ranks[: positive.size].sum() - positive.size * (positive.size + 1) / 2
    return float(top / (positive.size * negative.size))


def extract(events: list[Pause], reader: TextEndReader, cache: Path | None) -> np.ndarray:
    """The reader's features for every pause (kept in ``cache`` when given)."""
    if cache is not None and cache.is_file():
        saved = np.load(cache)
        if saved["features"].shape[0] == len(events):
            return saved["features"]
    rows = []
    for i, event in enumerate(events):
        rows.append(reader.features(event.words))
        if i % 500 == 0:
            print(f"  read {i} of {len(events)} pauses", file=sys.stderr, flush=True)
    features = np.array(rows)
    if cache is not None:
        np.savez_compressed(cache, features=features)
    return features


class Probe:
    """A logistic regression on standardised features (the bias not penalised)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, penalty: float) -> None:
        self.mean = x.mean(0)
        self.scale = x.std(0) + 1e-6
        z = np.column_stack([(x - self.mean) / self.scale, np.ones(len(x))])
        ridge = penalty * np.r_[np.ones(z.shape[1] - 1), 0.0]
        w = np.zeros(z.shape[1])
        for _ in range(NEWTON_STEPS):
            p = 1 / (1 + np.exp(-z @ w))
            gradient = z.T @ (p - y) + ridge * w
            hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge)
            w -= np.linalg.solve(hessian, gradient)
        self.weights, self.bias = w[:-1], float(w[-1])

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias


def folds_of(groups: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    names = np.random.default_rng(seed).permutation(sorted(set(groups)))
    fold = {name: i % k for i, name in enumerate(names)}
    return np.array([fold[g] for g in groups])


def choose_penalty(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """The penalty with the best held-out AUC over folds of ``groups`` (inside training)."""
    fold = folds_of(groups, FOLDS, seed=1)
    best, best_auc = PENALTIES[0], -1.0
    for penalty in PENALTIES:
        out = np.zeros(len(y))
        for k in range(FOLDS):
            out[fold == k] = Probe(x[fold != k], y[fold != k], penalty).logit(x[fold == k])
        score = auc(out[y == 1], out[y == 0])
        if score > best_auc:
            best, best_auc = penalty, score
    return best


def held_out_logits(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    fold = folds_of(groups, FOLDS)
    out = np.zeros(len(y))
    for k in range(FOLDS):
        train = fold != k
        penalty = choose_penalty(x[train], y[train], groups[train])
        out[fold == k] = Probe(x[train], y[train], penalty).logit(x[fold == k])
        print(f"  fold {k}: penalty {penalty:g}", file=sys.stderr, flush=True)
    return out


class Scored:
    """Stands in for the reader inside the live policy: the pause's held-out score."""

    score = 0.0

    def standard_score(self, words: str) -> float:
        return self.score


def live_waits(
    events: list[Pause],
    scores: np.ndarray | None,
    config: VoiceEndConfig,
    voice: dict[str, tuple[float, float]] | None = None,
) -> np.ndarray:
    """Each pause's wait (s) under the live policy: the reader's held-out standard score, or
    the word table when ``scores`` is None; with a scripted ``voice`` (hit at shifts, false
    alarm at holds, per words' ending: ``VOICES_BY_ENDING``) or none."""
    words_policy = TurnEndPolicy(EndpointConfig())
    scored = Scored()
    policy = VoiceEndPolicy(
        words_policy,
        ScriptedVoice() if voice is not None else None,
        config,
        scored if scores is not None else None,
    )
    draw = random.Random(0)
    waits = []
    for i, event in enumerate(events):
        if scores is not None:
            scored.score = float(scores[i])
        pair = policy.waits_ms(event.words)
        if pair is None or (scores is None and voice is None):  # a request; the table alone
            wait_ms = words_policy.wait_ms(words_policy.read(event.words))
        elif voice is None:
            wait_ms = pair[0]
        else:
            ending = words_policy.read(event.words).value
            hit, false_alarm = voice.get(ending, voice["other"])
            finished = draw.random() < (hit if event.kind == "shift" else false_alarm)
            wait_ms = pair[0] if finished else pair[1]
        waits.append(min(on_frame_grid(wait_ms), MAX_WAIT_S))
    return np.array(waits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timings", type=Path, required=True)
    parser.add_argument("--states", type=Path, help="keep the reader's features here")
    parser.add_argument("--write", type=Path, help="write the fitted probe here")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    events = pauses(args.timings)
    model_path = smollm2_model_path()
    reader = TextEndReader(model_path, SYSTEM, n_threads=2)
    x = extract(events, reader, args.states)
    y = np.array([e.kind == "shift" for e in events], dtype=float)
    groups = np.array([e.side.rstrip("AB") for e in events])
    out = held_out_logits(x, y, groups)
    standard = (out - out.mean()) / out.std()

    words_policy = TurnEndPolicy(EndpointConfig())
    endings = np.array([words_policy.read(e.words).value for e in events])
    report: dict = {
        "pauses": {"holds": int((y == 0).sum()), "shifts": int(y.sum()), "calls": len(set(groups))},
        "auc": {"all": round(auc(out[y == 1], out[y == 0]), 3)},
        "auc_end_logprob_alone": round(auc(x[y == 1, -2], x[y == 0, -2]), 3),
    }
    for ending in ("complete", "open", "starting", "filler"):
        sel = endings == ending
        report["auc"][ending] = round(auc(out[sel & (y == 1)], out[sel & (y == 0)]), 3)
    config = VoiceEndConfig()
    report["word_table"] = trade_off(events, live_waits(events, None, config))
    report["meaning_waits"] = {}
    for base, slope, least in itertools.product(range(800, 1001, 50), (200, 300), (500, 600)):
        update = {"text_base_ms": base, "text_slope_ms": slope, "text_min_ms": least}
        cfg = config.model_copy(update=update)
        key = f"base {base} ms, slope {slope} ms, min {least} ms"
        report["meaning_waits"][key] = trade_off(events, live_waits(events, standard, cfg))
    report["with_a_voice"] = {
        name: {
            "word_table": trade_off(events, live_waits(events, None, config, voice)),
            "meaning": trade_off(events, live_waits(events, standard, config, voice)),
        }
        for name, voice in VOICES_BY_ENDING.items()
    }
    print(json.dumps(report, indent=2))

    if args.write:
        penalty = choose_penalty(x, y, groups)
        probe = Probe(x, y, penalty)
        data = TextEndProbe(
            model_file=model_path.name,
            system=SYSTEM,
            mean=[float(v) for v in probe.mean],
            scale=[float(v) for v in probe.scale],
            weights=[float(v) for v in probe.weights],
            bias=probe.bias,
            # Standardised as the held-out logits are: new words are held out too (the
            # probe's own fitted pauses spread wider).
            logit_mean=float(out.mean()),
            logit_std=float(out.std()),
            fitted_on=f"{args.timings.name}: {len(events)} pauses, penalty {penalty:g}",
            held_out={k: v for k, v in report["auc"].items() if not math.isnan(v)},
        )
        args.write.write_text(data.model_dump_json(indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
