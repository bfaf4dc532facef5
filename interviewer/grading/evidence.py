"""Detectors: observable behaviours found in candidate sentences, each hit a citable quote.

Pure functions over :class:`Sentence` lists, no model, so the same transcript always yields
the same hits. Ignored sentences (instructions to the grader, keyword lists) are skipped by
every detector. The vocabulary lives here rather than in the rubric on purpose: a rubric
chooses thresholds and weights, not what counts as a behaviour. What a sentence does (a
question, an admission, a claim, thinking aloud, a filler) is read by ``speech_acts``, as the
live interviewer reads it; the vocabulary only the grader scores is here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog.rounds import probes_knowledge
from ..speech_acts import (
    ABSOLUTE,
    ASSUMPTION,
    FILLER,
    HESITATION,
    OPTIONS,
    REASONING,
    REJECTION,
    first_admission,
    is_clarifying_question,
    is_question,
    question_spans,
    word_count,
)
from .sentences import Sentence


@dataclass(frozen=True)
class Hit:
    """A behaviour seen in one sentence; ``tag`` refines the kind (a topic, a trade-off axis)."""

    kind: str
    sentence: Sentence
    start: int
    end: int
    tag: str = ""
    group: int = 0  # e.g. which question of a compound question sentence


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _live(sentences: Iterable[Sentence]) -> Iterable[Sentence]:
    return (s for s in sentences if s.ignored is None)


def _hit(kind: str, s: Sentence, start: int, end: int, tag: str = "", group: int = 0) -> Hit:
    """A hit found in ``s.clean`` (fillers removed), placed on the verbatim ``s.text``."""
    lo, hi = s.span(start, end)
    return Hit(kind, s, lo, hi, tag, group)


def _find(
    kind: str, rx: re.Pattern[str], sentences: Iterable[Sentence], tag: str = ""
) -> list[Hit]:
    hits = []
    for s in _live(sentences):
        m = rx.search(s.clean)
        if m:
            hits.append(_hit(kind, s, m.start(), m.end(), tag))
    return hits


# --- clarifying questions -------------------------------------------------------------------
CLARIFY_TOPICS: dict[str, re.Pattern[str]] = {
    "scale": _rx(
        r"\b(users?|requests?|qps|queries per second|traffic|scale|volume|how many"
        r"|how often"
        r"|how much|size|how large|how big|throughput|items|catalog|million|billion"
        r"|documents|rows|length|long)\b"
    ),
    "latency": _rx(
        r"\b(latency|milliseconds|ms|real[- ]?time|response time|how fast|sla|slo"
        r"|deadline|online|offline|batch|fast)\b"
    ),
    "data": _rx(
        r"\b(data|labels?|labell?ed|features?|training set|inputs?|logs|annotat\w*"
        r"|change|changes|changed|update[sd]?|edit(s|ed)?|neighbou?rs?|connected"
        r"|format|schema|sorted|duplicates?|negative|null|empty|range|characters"
        r"|unicode|corpus|history|ground truth|integers?|strings?|values?|what kind of"
        r"|what type of|types?|structure|do we (know|have|log|keep|store|get)"
        r"|trained|training|base rate|prevalence|class balance|(real|true|actual|observed)"
        r"( \w+)? rate)\b"
    ),
    "success": _rx(
        r"\b(metrics?|success|succeed|measure|measured|kpi|goal|objective"
        r"|optimi[sz]e for|business|evaluat\w*|good look like|care about"
        r"|how (will|would|do) we know|counts as|helpful|useful)\b"
    ),
    "constraints": _rx(
        r"\b(constraints?|memory|budget|cost|hardware|gpus?|edge cases?|assume"
        r"|allowed|librar(y|ies)|in place|privacy|compliance|fit in|limits?"
        r"|do we need|does it need|required|requirements?|should (it|we|the)"
        r"|team|reviewers?|staff|regulat\w*|legal)\b"
    ),
}


# "Is it correct? Is it faithful to the sources?": a yes/no question about a thing the
# candidate has just named, asked of themself while they answer.
_SELF_QUESTION = _rx(
    r"^\W*(?:and |so |but |or )?(?:is|does|can|will|would|are|do|did|was|should|could)"
    r" (?:it|this|that|they|these|those)\b"
)
MIN_STATEMENT_WORDS = 6  # a statement this long before it: the candidate is answering


def _self_questions(sentences: list[Sentence]) -> set[int]:
    """Positions of questions asked in the middle of an answer's own statements: after a
    statement of the same turn and before another sentence of it ("Each answer is scored on
    a rubric. Is it correct? Is it faithful? ..."). A clarifying question is asked before
    the answer, or ends the turn to wait for the reply."""
    found: set[int] = set()
    last_of_turn = {s.turn: i for i, s in enumerate(sentences)}
    answering: set[int] = set()  # turns in which a statement has come so far
    for i, s in enumerate(sentences):
        asks = is_question(s.clean)
        if asks and s.turn in answering and i != last_of_turn[s.turn]:
            if _SELF_QUESTION.search(s.clean):
                found.add(i)
        elif not asks and word_count(s.clean) >= MIN_STATEMENT_WORDS:
            answering.add(s.turn)
    return found


def clarifying_questions(sentences: list[Sentence]) -> list[Hit]:
    """Candidate questions about the problem (not answers to a probe), tagged by topic."""
    hits: list[Hit] = []
    seen: set[str] = set()
    answered: set[int] = set()  # turns whose revealed topics are counted
    rhetorical = _self_questions(sentences)
    for i, s in enumerate(sentences):
        if s.ignored is not None or i in rhetorical:
            continue
        if s.after_probe or not is_question(s.clean):
            continue
        key = " ".join(re.findall(r"\w+", s.lower))
        if key in seen:
            continue
        seen.add(key)
        # "How many users, and what latency?" is two questions: each clause is one question,
        # tagged with every topic it touches.
        if not is_clarifying_question(s.clean):
            continue  # a check-in or a request ("can we move on?"), not about the problem
        tagged: set[str] = set()
        for group, (lo, hi) in enumerate(question_spans(s.clean)):
            found = False
            for topic, rx in CLARIFY_TOPICS.items():
                m = rx.search(s.clean, lo, hi)
                if m:
                    found = True
                    tagged.add(topic)
                    hits.append(_hit("question", s, m.start(), m.end(), topic, group))
            if not found:  # about the problem, but not scale/latency/data/success/constraints
                hits.append(_hit("question", s, lo, hi, "other", group))
        if s.turn not in answered:
            # What the interviewer's reply revealed is what the turn's questions asked for:
            # "what can it actually do?" asked for the assistant's capabilities.
            answered.add(s.turn)
            for topic in {scenario_topic(t) for t in s.revealed} - tagged:
                hits.append(_hit("question", s, 0, len(s.clean), topic, 0))
    return hits


def scenario_topic(fact_topic: str) -> str:
    """A question bank's fact topic as a clarifying topic: one that names a topic is it
    ("success metric" is success, "data and labels" data); others are their own."""
    for topic in CLARIFY_TOPICS:
        if re.search(rf"\b{topic}", fact_topic, re.IGNORECASE):
            return topic
    return fact_topic


# --- thinking aloud ---------------------------------------------------------------------------
def thinking_markers(sentences: list[Sentence]) -> list[Hit]:
    """Reasons, options, rejections, assumptions; a question to the interviewer can state an
    assumption ("can I assume ...?") but does not weigh options."""
    statements = [s for s in sentences if not is_question(s.clean)]
    hits: list[Hit] = []
    for kind, rx in (("reasoning", REASONING), ("options", OPTIONS), ("rejection", REJECTION)):
        hits += _find(kind, rx, statements)
    return hits + _find("assumption", ASSUMPTION, sentences)


# --- honesty ---------------------------------------------------------------------------------
REASONED = _rx(
    r"\b(because|since|but i'?d|but i would|but my|but from|but what i|my guess"
    r"|i'd reason|i would reason|first principles|what i do know|i would expect"
    r"|i'd expect|intuitively|i'd estimate|i would estimate|i'd probably|probably"
    r"|i'd check|i would check|i'd test|i would test|i'd measure|i would measure"
    r"|reason\w*|my understanding)\b"
)
# Everyday intensifiers ("I absolutely will devote myself", "I definitely have my moments")
# are how people talk, not bluffing: on the MIT interviews counting them flagged 38% of real
# students as bluffers. They count only in a sentence that answers a probe *and* makes a claim
# about the world rather than about the speaker, in a round where knowledge is probed.
INTENSIFIER = _rx(
    r"\b(definitely|absolutely|certainly|obviously|perfectly|always|never"
    r"|i'm (completely |totally |100% )?(sure|certain|positive)(?! if))\b"
)
_ABOUT_SELF = _rx(
    r"\b(i|i'm|i've|i'd|i'll|me|my|myself|we|we're|we've|our|us)\b"
    r"(?:\s+\w+){0,2}?\s+(definitely|absolutely|certainly|obviously|always|never)\b"
    r"|\b(definitely|absolutely|certainly|obviously|always|never)\s+(?:\w+\s+){0,1}"
    r"(i|i'm|i've|i'd|i'll|me|my|myself|we|our)\b"
    r"|\b(i'm|i am) (completely |totally |100% )?(sure|certain|positive)\b"
    r"(?! (it|that|this|the|they|there)\b)"
)


MIN_REASON_WORDS = 6


def honesty_markers(sentences: list[Sentence]) -> list[Hit]:
    """Admissions (marked reasoned when a reason follows) and absolute claims."""
    hits: list[Hit] = []
    live = list(_live(sentences))
    for i, s in enumerate(live):
        admit = first_admission(s.clean)
        if admit:
            nxt = live[i + 1] if i + 1 < len(live) and live[i + 1].turn == s.turn else None
            tail = s.clean[admit.end() :] + " " + (nxt.clean if nxt else "")
            # Reasoning from what they know: a reason word, or a further sentence of substance
            # that is neither another admission nor an absolute claim.
            works_on = (
                nxt is not None
                and word_count(nxt.clean) >= 6
                and not (first_admission(nxt.clean) or ABSOLUTE.search(nxt.clean))
            )
            but = re.search(r"\bbut\b(.*)", s.clean[admit.end() :], re.IGNORECASE)
            works_on = works_on or bool(
                but and word_count(but.group(1)) >= 6 and not ABSOLUTE.search(but.group(1))
            )
            # A reason word in a fragment ("I don't know. Probably the standard one.") is not
            # reasoning: the tail must say something.
            reasoned = bool(REASONED.search(tail)) and word_count(tail) >= MIN_REASON_WORDS
            kind = "admission_reasoned" if reasoned or works_on else "admission"
            hits.append(_hit(kind, s, admit.start(), admit.end()))
            continue  # "I've never used it" is an admission, not an absolute claim
        claim = ABSOLUTE.search(s.clean)
        # An intensifier is a claim only under probing, and only about the world: "we always
        # move the left pointer" describes code, "I definitely have my moments" describes
        # the speaker; neither is a bluff. A behavioural "why" asks for motives, not
        # knowledge: opinions there are not claims to check.
        if (
            claim
            and INTENSIFIER.fullmatch(claim.group(0))
            and (not s.after_probe or not probes_knowledge(s.round) or _ABOUT_SELF.search(s.clean))
        ):
            claim = None
        if claim:
            kind = "absolute_probed" if s.after_probe else "absolute"
            hits.append(_hit(kind, s, claim.start(), claim.end()))
    return hits


# --- trade-offs ------------------------------------------------------------------------------
def _axes(a: str, b: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _rx(rf"\b({a})"), _rx(rf"\b({b})")


TRADEOFF_AXES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "latency_vs_accuracy": _axes(
        r"latency|speed|fast|faster|slow|slower|response time"
        r"|inference time",
        r"accura|quality|precis|better\b"
        r"|relevan|ranking quality|recall|miss(es|ed)?\b|errors?\b",
    ),
    "batch_vs_realtime": _axes(
        r"batch|precomput|nightly|daily|monthly|weekly",
        r"real[- ]?time|streaming|fresh|on demand|per request"
        r"|immediately|instantly|as soon as"
        r"|when (a|the|each) \w+ is created",
    ),
    "cost_vs_quality": _axes(
        r"cost|cheap|expensive|compute|budget|gpus?\b|bigger model"
        r"|larger model|smaller model",
        r"quality|accura|better|performance"
        r"|capab|stronger",
    ),
    "precision_vs_recall": _axes(r"precision|false positives?", r"recall|false negatives?"),
    "memory_vs_speed": _axes(r"memory|space|storage|ram\b", r"time\b|speed|fast|lookup|runtime"),
    "bias_vs_variance": _axes(
        r"bias|underfit|simpler model|simple model", r"variance|overfit|complex model|capacity"
    ),
    "freshness_vs_cost": _axes(
        r"fresh|stale|up to date|recency",
        r"cost|latency|compute"
        r"|complex|load",
    ),
    "simplicity_vs_power": _axes(
        r"simple|simpler|simplicity|maintain|interpretab|explainab",
        r"flexib|powerful|accura|performance|expressive|faster|slower",
    ),
    "accuracy_vs_complexity": _axes(
        r"accura|quality|better\b",
        r"complex|harder to (build"
        r"|run|maintain|operate)|engineering effort|more moving parts",
    ),
    "context_vs_noise": _axes(
        r"chunk size|top[- ]?k|context window|context length|more chunks"
        r"|more context|bigger chunks|larger chunks",
        r"latency|cost|recall|noise|relevan|precision|tokens",
    ),
    "explore_vs_exploit": _axes(r"explor", r"exploit"),
    "risk_vs_friction": _axes(
        r"risk|secur|safe|attack|abuse|fraud|exfiltrat|injection|harm",
        r"friction|usab|confirm|annoy|user experience|ux\b|convenien|interrupt|dialog"
        r"|ask(s|ing)? (the user|them|when|for)",
    ),
}
CONTRAST = _rx(
    r"\b(but|while|whereas|versus|vs|at the cost of|at the expense of|trade[- ]?offs?"
    r"|in exchange|on the other hand|although|though|downside|upside|the price"
    r"|sacrific\w*|costs? us|comes with|gives up|give up|balance|worse|lower|higher"
    r"|less|more|than|yet|leaves? on the table|at the price of|only\b.{0,24}\b(when|if))\b"
)
STRONG_CONTRAST = _rx(
    r"\b(but|while|whereas|versus|vs|at the cost of|at the expense of"
    r"|trade[- ]?offs?|in exchange|on the other hand|although|though|than"
    r"|yet|leaves? on the table|at the price of)\b"
)
GENERIC_TRADEOFF = _rx(
    r"\b(trade[- ]?offs?|pros and cons|on the other hand|at the cost of"
    r"|at the expense of)\b"
)
TRADEOFF_PROMPT = _rx(
    r"\b(trade[- ]?offs?|pros and cons|downsides?|cost of|what would you lose"
    r"|what do you give up)\b"
)


def tradeoffs(sentences: list[Sentence]) -> list[Hit]:
    """One hit per distinct trade-off axis, plus generic trade-off talk; tag = axis."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for s in _live(sentences):
        contrast = CONTRAST.search(s.clean)
        kind = "tradeoff_prompted" if TRADEOFF_PROMPT.search(s.prompt) else "tradeoff"
        found = False
        # One trade-off per "but"/"while"/"than"...: "bigger is better but slower" is one.
        budget = max(1, len(STRONG_CONTRAST.findall(s.clean)))
        if contrast:
            for axis, (a, b) in TRADEOFF_AXES.items():
                ma, mb = a.search(s.clean), b.search(s.clean)
                if budget and ma and mb and ma.start() != mb.start() and axis not in seen:
                    budget -= 1
                    seen.add(axis)
                    hits.append(
                        _hit(kind, s, min(ma.start(), mb.start()), max(ma.end(), mb.end()), axis)
                    )
                    found = True
        generic = GENERIC_TRADEOFF.search(s.clean)
        if generic and not found and "general" not in seen:
            seen.add("general")
            hits.append(_hit(kind, s, generic.start(), generic.end(), "general"))
    return hits


# --- metrics ---------------------------------------------------------------------------------
OFFLINE_METRIC = _rx(
    r"\b(auc|roc|precision|recall|f1|f-score|log[- ]?loss|cross[- ]entropy"
    r"|(measure|track|report|evaluate|look at|use|compute)\w*\b.{0,25}accuracy"
    r"|(measur|track|report|evaluat|look at|comput)\w*\b.{0,20}\b(the )?(share|percentage"
    r"|fraction|proportion) of \w+"
    r"|accuracy (on|of) the"
    r"|ndcg|mrr|map@\d*|mean average precision|recall@\s?\w+|precision@\s?\w+"
    r"|hit rate|rmse|mae|mse|mape|bleu|rouge|perplexity|calibration|brier"
    r"|faithfulness|groundedness|exact match|offline (metrics?|evaluation|eval)"
    r"|held[- ]out|validation (set|loss|error|accuracy)|test set|r squared"
    r"|cross[- ]validation|mean (absolute|squared)( percentage)? error"
    r"|root mean squared error)\b"
)
ONLINE_METRIC = _rx(
    r"\b(ctr|click[- ]?through( rate)?|conversions?|conversion rate"
    r"|(measure|track|monitor|metric|online)\w*\b.{0,25}engagement"
    r"|engagement (rate|metrics?)"
    r"|retention|dwell time|revenue|a/?b tests?|a/?b testing|online (metrics?"
    r"|experiments?|evaluation)|watch time|session length|churn"
    r"|user satisfaction|thumbs (up|down)|deflection|resolution rate"
    r"|canary|shadow (mode|traffic)|interleaving|purchases?|bookings?"
    r"|in production|after launch|once (it's |it is )?live|live traffic"
    r"|complaints?|surveys?|prevalence|(appeals?|overturn\w*) rate|appeals? overturn\w*)\b"
)
MISALIGNMENT = _rx(
    r"\b(proxy|misalign\w*|goodhart|do(es)?n'?t (always |necessarily )?"
    r"(correlate|translate|line up|match|move)|not (always |necessarily )?"
    r"(correlate|translate|aligned)|disagree|mismatch|gap between|diverge"
    r"|drift apart|(isn't|not|aren't) representative|doesn't reflect"
    r"|don't reflect|look(s)? (great|good) .{0,40} (and|but) still)\b"
)
_METRIC_CONTEXT = _rx(
    r"\b(offline|online|production|sample|labell?ed|metrics?|a/?b|experiment"
    r"|test set|views?|those two|both)\b"
)


def metric_mentions(sentences: list[Sentence]) -> list[Hit]:
    hits = _find("offline_metric", OFFLINE_METRIC, sentences)
    hits += _find("online_metric", ONLINE_METRIC, sentences)
    for s in _live(sentences):
        m = MISALIGNMENT.search(s.clean)
        talks_both = re.search(r"\boffline\b", s.lower) and re.search(r"\bonline\b", s.lower)
        both_kinds = OFFLINE_METRIC.search(s.clean) and ONLINE_METRIC.search(s.clean)
        if m and (
            talks_both or both_kinds or "proxy" in s.lower or _METRIC_CONTEXT.search(s.clean)
        ):
            hits.append(_hit("misalignment", s, m.start(), m.end()))
    return hits


# --- complexity ------------------------------------------------------------------------------
COMPLEXITY = _rx(
    r"(\bbig[- ]o\b(\s+of)?\s+[\w ]{1,14}|\bo\s*\(\s*[^)]{1,20}\)|\bo of \w+( log \w+"
    r"| squared)?|\blinear (time|space|memory)|\bquadratic\b|\blogarithmic\b"
    r"|\bconstant (time|space|extra space|memory)|\bn log n\b|\bn squared\b"
    r"|\bexponential time\b|\blinear\b(?= in\b))"
)
SPACE_WORDS = _rx(r"\b(space|memory|extra|storage|auxiliary)\b")
TIME_WORDS = _rx(r"\b(time|runtime|run time|runs in|operations|steps)\b")
COMPLEXITY_WHY = _rx(
    r"\b(because|since|each|every|once|per|sort|sorting|loop|nested|hash"
    r"|heap|visit|pass|iterate|binary search|recursion|stack)\b"
)


def _time_or_space(text: str, start: int, end: int) -> str:
    """'time' or 'space': the match's own words, else the nearest qualifier (after first)."""
    own = text[start:end]
    if SPACE_WORDS.search(own):
        return "space"
    if TIME_WORDS.search(own):
        return "time"
    lead = re.search(
        r"\b(time|space|memory)( complexity)?( is| of| would be| will be)?\s*$",
        text[max(0, start - 30) : start],
        re.IGNORECASE,
    )
    if lead:
        return "time" if lead.group(1).lower() == "time" else "space"
    best: tuple[int, str] = (10_000, "time")
    for rx, tag in ((SPACE_WORDS, "space"), (TIME_WORDS, "time")):
        after = rx.search(text, end, min(len(text), end + 20))
        if after:
            best = min(best, (after.start() - end, tag))
        for before in rx.finditer(text, max(0, start - 30), start):
            best = min(best, (start - before.end() + 5, tag))
    return best[1]


def complexity_statements(sentences: list[Sentence]) -> list[Hit]:
    """Complexity claims tagged ``time`` or ``space`` from the words around each one."""
    hits: list[Hit] = []
    for s in _live(sentences):
        for m in COMPLEXITY.finditer(s.clean):
            tag = _time_or_space(s.clean, m.start(), m.end())
            kind = "complexity_justified" if COMPLEXITY_WHY.search(s.clean) else "complexity"
            hits.append(_hit(kind, s, m.start(), m.end(), tag))
    return hits


# --- STAR structure --------------------------------------------------------------------------
STAR_PARTS: dict[str, re.Pattern[str]] = {
    "situation": _rx(
        r"\b(at my (last|previous|current|old|first) (job|company|role|team|employer)"
        r"|when i was (at|working|on|leading)|we were|our team|the team was|back in"
        r"|last year|(a few|several|\w+) (years|months) ago|the situation"
        r"|in my previous|at (a|an|my|our) (\w+ ){0,2}(startup|company|bank|firm)"
        r"|i was working on|we had a|there was a|i joined)\b"
    ),
    "task": _rx(
        r"\b(my (job|task|role|responsibility|goal) was|i was (responsible|asked|tasked"
        r"|in charge)|(i|we|our team|the team) (needed|had) to|the goal was|i owned"
        r"|i was supposed to|our goal was|the task was|it was my job)\b"
    ),
    "action": _rx(
        r"\b(i (decided|built|wrote|proposed|set up|talked|spoke|led|ran|implemented"
        r"|created|designed|organi[sz]ed|scheduled|reached out|sat down|introduced"
        r"|added|changed|started|reviewed|analy[sz]ed|measured|migrated|automated"
        r"|refactored|convinced|negotiated|escalated|paired|documented|prototyped|met"
        r"|pushed|rewrote|fixed|investigated|dug|traced|split|wrote up|drafted"
        r"|trained|replaced|cut|reused|\w+ed))\b|\bwhat i did\b"
    ),
    "result": _rx(
        r"\b(as a result|in the end|the result|the outcome|resulted in|it (reduced|cut"
        r"|improved|increased|saved|dropped)|we (reduced|cut|improved|increased|saved"
        r"|shipped|launched|hit|reached|handled)"
        r"|which (reduced|cut|improved|increased"
        r"|saved|meant)|ended up|eventually|since then|afterwards|went (back |down |up )?from"
        r"|(saved|reduced"
        r"|improved|increased|dropped|decreased|halved|doubled|grew)\b)"
    ),
}
_NUMBER_WORD = (
    r"(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
MEASURED = _rx(
    rf"(\d+(\.\d+)?\s*(%|percent|x\b|times|ms|milliseconds|seconds|minutes|hours|days"
    rf"|weeks|points|pp\b|k\b|users|dollars|customers|pages|tickets|incidents)"
    rf"|\$\d|\bfrom \S+ (\S+ )?to \d|\bby half\b|\bhalved\b|\bdoubled\b|\btripled\b"
    rf"|\b{_NUMBER_WORD}[- ]fold\b|\b{_NUMBER_WORD} (percent|times|hours|minutes"
    rf"|days|weeks|seconds)\b)"
)


_NOT_OUTCOME = _rx(
    r"\b(delay\w*|postpon\w*|took|spent|pushed)\b[^.]{0,20}$"
    r"|\b(for|within|after)\s+(about\s+)?$"
)


def star_parts(sentences: list[Sentence]) -> list[Hit]:
    hits: list[Hit] = []
    for part, rx in STAR_PARTS.items():
        hits += _find(part, rx, sentences)
    for s in _live(sentences):
        if not STAR_PARTS["result"].search(s.clean):
            continue
        for m in MEASURED.finditer(s.clean):
            # "delayed the launch by two weeks" measures the action, not the outcome.
            if _NOT_OUTCOME.search(s.clean[max(0, m.start() - 24) : m.start()]):
                continue
            hits.append(_hit("measured_result", s, m.start(), m.end()))
            break
    return hits


# --- delivery --------------------------------------------------------------------------------
def fillers(sentences: list[Sentence], rx: re.Pattern[str] = FILLER) -> list[Hit]:
    hits: list[Hit] = []
    for s in _live(sentences):
        hits += [Hit("filler", s, m.start(), m.end()) for m in rx.finditer(s.text)]
    return hits


def hesitations(sentences: list[Sentence]) -> list[Hit]:
    """Um, uh and the like: the fillers the delivery level counts."""
    return fillers(sentences, HESITATION)


# --- mazes: the words a spoken answer takes back --------------------------------------------
# Language-sample analysis calls them mazes: restarts ("we taught swi- like we taught"),
# repetitions ("I I", "it was it was"), discourse "like", hedges ("you know", "kind of").
# Filled pauses (um, uh) are delivery; mazes are how organised the message is. On the MIT
# interviews the maze rate alone ranks StructuredAnswers at rho 0.48 (one rater: 0.34), where
# the STAR-part regexes ranked them at -0.30: a rambling story hits more of them.
_NOT_DISCOURSE_LIKE = (
    r"(?<!\bi )(?<!\byou )(?<!\bwe )(?<!\bthey )(?<!\bwould )(?<!\bdon't )(?<!\bdidn't )"
    r"(?<!\bdo )(?<!\breally )(?<!\blook )(?<!\blooks )(?<!\bfeel )(?<!\bfelt )"
    r"(?<!\bseems )(?<!\bsounds )(?<!\bthings )(?<!\bsomething )(?<!\bstuff )(?<!\bjust )"
    r"(?<!\bmore )(?<!\bmuch )(?<!\bwhat )"
)
MAZES: dict[str, re.Pattern[str]] = {
    "discourse_like": _rx(_NOT_DISCOURSE_LIKE + r"\blike\b(?! to\b)"),
    "hedge": _rx(
        r"\b(you know|i mean|kind of|sort of|kinda|sorta|i guess|or something|and stuff"
        r"|and everything|stuff like that|things like that|whatever)\b"
    ),
    "repetition": _rx(r"\b(\w+)(?:[\s,]+\1\b)+|\b(\w+ \w+)[\s,]+\2\b"),
    "restart": _rx(r"\b\w+-(?=\s|$)"),
}


def mazes(sentences: list[Sentence]) -> list[Hit]:
    """Maze words in the verbatim text (the clean text has some of them taken out)."""
    hits: list[Hit] = []
    for s in _live(sentences):
        for kind, rx in MAZES.items():
            hits += [Hit("maze", s, m.start(), m.end(), kind) for m in rx.finditer(s.text)]
    return hits
