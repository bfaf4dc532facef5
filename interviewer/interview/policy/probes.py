"""The follow-up probe: reading the LLM's question, checking it against the answer, and the
rule-based follow-up asked when no drafted one holds.

A follow-up is a short question about something the candidate said, in their words: a choice
gets "why that choice", a claim gets "what makes it hold", a story gets "what did you do".
The kinds of follow-up each round asks are data (``follow_ups:`` in the round's question
bank, see ``policy/prompts.py``); this module only judges a drafted question and writes the
fallback.
"""

from __future__ import annotations

import contextlib
import json
import re

from pydantic import ValidationError

from ... import speech_acts
from ...catalog.personas import Question, round_follow_ups
from ...coding import complexity
from .decisions import MAX_PROBE_WORDS, PROBE_OPENERS, ProbeDraft
from .unclear import quotes_unclear

# Words that name nothing the candidate said: a probe must repeat at least one other word.
_STOPWORDS = frozenset(
    """a an the and or but to of in on for with is are was were be i i'd i'm we we'd it it's
    that this my our you your would will so then just like um uh use using""".split()
)
# Words a question shares with any answer without naming anything in it.
_FUNCTION_WORDS = _STOPWORDS | frozenset(
    """am been being do does did done doing have has had having what how why which when who
    whom where there their they them he she his her him me us yourself myself about from at
    by as if not no yes yeah okay ok really very also all some any more most much many one
    can could should may might must get got go going gone thing things something stuff way
    lot kind sort been into out up over than too here now well i've i'll we're they're
    that's there's what's don't didn't can't its these those each other such made make
    time times first let let's said say says tell know think dont didnt cant havent hadnt
    haven't hadn't wasn't wasnt weren't werent isn't isnt aren't arent won't wont wouldn't
    wouldnt couldn't couldnt shouldn't shouldnt doesn't doesnt super pretty quite""".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in speech_acts.words(text) if w not in _STOPWORDS]


def naming_words(text: str) -> set[str]:
    """The words of ``text`` that name something (not "did", "what", "time")."""
    return {
        w
        for w in speech_acts.words(text)
        if w not in _FUNCTION_WORDS and not speech_acts.FILLER.fullmatch(w)
    }


_THIRD_PERSON = re.compile(r"\bthe candidate('s)?\b", re.IGNORECASE)
# The verb before "the candidate" agrees with it: "does the candidate" becomes "do you".
_AGREEING_VERB = re.compile(r"\b(does|is|was|has)(\s+the candidate\b(?!'s))", re.IGNORECASE)
_SECOND_PERSON_VERB = {"does": "do", "is": "are", "was": "were", "has": "have"}


def second_person(question: str) -> str:
    """'Why does the candidate choose X?' -> 'Why do you choose X?' (small models slip)."""
    question = _AGREEING_VERB.sub(
        lambda m: _SECOND_PERSON_VERB[m.group(1).lower()] + m.group(2), question
    )
    return _THIRD_PERSON.sub(lambda m: "your" if m.group(1) else "you", question)


def shared_phrase(question: str, answer: str) -> str:
    """The longest run of the answer's words that the question repeats: what it names."""
    asked = speech_acts.words(question)
    said = speech_acts.words(answer)
    best: list[str] = []
    for i in range(len(said)):
        for j in range(len(asked)):
            n = 0
            while i + n < len(said) and j + n < len(asked) and said[i + n] == asked[j + n]:
                n += 1
            run = said[i : i + n]
            if naming_words(" ".join(run)) and len(run) > len(best):
                best = run
    while best and best[0] in _FUNCTION_WORDS:
        best = best[1:]
    while best and best[-1] in _FUNCTION_WORDS:
        best = best[:-1]
    return " ".join(best)


# --- judging a drafted probe ----------------------------------------------------------------

_ATTRIBUTES_CHOICE = re.compile(
    r"\b(?:choose|chose|choosing|pick|picked|opt|opted|go with|went with|decide|decided|select|"
    r"selected|prefer|use|using)\b",
    re.IGNORECASE,
)
# A choice made in the answer: "I'd use X" or "I will defer to X" (a plan), "we decided to
# X" or "I recruited X" (a story: what the speaker did, they chose to do).
_MADE_CHOICE = re.compile(
    r"\b(?:i|we)\s+(?:\w+ly\s+)?(?!(?:need|used)\b)\w{3,}ed\b"
    r"|\b(?:i|we)(?:'ll| will)\s+(?:\w+ly\s+)?(?!(?:be|have|say|need)\b)\w+"
    r"|\b(?:i|we|i'd|we'd|i'll|we'll|let's|my|our|they|he|she)\b.{0,30}\b(?:use|used|using|choose|"
    r"chose|pick|picked|go with|went with|prefer|opt|opted|select|selected|train|trained|build|"
    r"built|start with|started|rely on|apply|applied|add|added|try|tried|decide|decided|"
    r"decision|switched|moved to|plan|planned)\b"
    r"|\b(?:use|choose|pick|go with|start with)\b",
    re.IGNORECASE,
)
# "It is fast enough for the budget": a claim about a thing, probed as "what makes it ...?"
_CLAIM = re.compile(
    r"^(?P<subject>it|this|that|(?:the|a|an|our|my) [\w -]{1,40}?)\s+(?:is|are|'s|will be|would be)"
    r"\s+(?P<rest>[^.!?]{3,90})",
    re.IGNORECASE,
)


# "Why did your tech lead want to replace the model?" after "my tech lead wanted to replace
# the model because he thought ...": asked and already answered.
_ASKS_WHY = re.compile(
    r"^\s*(?:why\b|what made\b|what led\b|what was the reason\b|how come\b)", re.IGNORECASE
)
_REASON_GIVEN = re.compile(r"\b(?:because|since|so that|due to)\b", re.IGNORECASE)
SAID_WHY_SHARE = 0.6  # of the why-question's naming words, in what came before "because"
_FRONTED_REASON = re.compile(
    r"^\W*(?:(?:so|and|well|okay)\W+)?(?:because|since)\s+(?P<reason>[^,]{3,120}),\s*(?P<then>.+)$",
    re.IGNORECASE,
)


def given_reason(question: str, answer: str) -> str:
    """The reason the answer already gave for what a 'why' question asks (the words after
    its "because"), or "" when it gave none: most of what the question names is in one
    clause of the answer that goes on with "because"."""
    if not _ASKS_WHY.search(question):
        return ""
    asked = naming_words(question)
    if len(asked) < 2:
        return ""
    sentences = speech_acts.sentences(answer)
    for i, sentence in enumerate(sentences):
        fronted = _FRONTED_REASON.match(sentence)
        if fronted is not None:
            # "Because being late hurts more than being early, I would not train on squared
            # error. I would use a quantile loss ...": the reason first, then the choice, in
            # this sentence or the next.
            chosen = " ".join([fronted.group("then"), *sentences[i + 1 : i + 2]])
            clause = _trim(fronted.group("reason").strip(), MAX_FOCUS_WORDS)
            if _answered_why(asked, chosen, clause):
                return clause
        for reason in _REASON_GIVEN.finditer(sentence):
            clause = _reason_clause(sentence[reason.end() :])
            if _answered_why(asked, sentence[: reason.start()], clause):
                return clause or reason.group(0)
    return ""


def _answered_why(asked: set[str], chosen: str, reason: str) -> bool:
    """Whether ``reason`` answers the 'why' that names ``asked``: most of it is in what was
    chosen, and little in the reason (one asking about the reason itself is the next 'why'
    down)."""
    return len(asked & naming_words(reason)) < 2 and len(asked & naming_words(chosen)) >= max(
        2.0, SAID_WHY_SHARE * len(asked)
    )


# "I'm not sure how I would prove the live feed matches the training data. I guess I would
# log the features ...": "How would you prove the live feed matches the training data?" asks
# them back what they just said they do not know; the attempt is what to probe.
# Words compare by their first letters ("order" and "orders"): "How do you plan to account
# for the effect of the estimate on order behavior?" after "I'm not sure how to handle the
# effect of the estimate on the orders. I guess ..." (the browser page by voice).
ASKED_BACK_SHARE = 0.5  # of the question's naming words, in what they said they don't know
_STEM_CHARS = 5  # a word's first letters, compared as its stem ("order", "orders")


def _stems(text: str) -> set[str]:
    return {w[:_STEM_CHARS] for w in naming_words(text)}


def _content_stems(text: str) -> set[str]:
    return {w[:_STEM_CHARS] for w in content_words(text)}


# "How does the sorting process affect the time complexity?" after "sorting makes it n log
# n" (the page by voice, a coding round): the cost asked for was just given.
_ASKS_TIME = re.compile(r"\b(?:time complexity|running time|runtime|how fast|big o)\b", re.I)
_ASKS_SPACE = re.compile(r"\b(?:space complexity|extra space|memory)\b", re.I)


def asks_given_cost(question: str, answer: str) -> bool:
    """The question asks for the time (or space) cost, and the answer gave it."""
    said_time, said_space = complexity.states_costs(answer)
    return bool(
        (said_time and _ASKS_TIME.search(question)) or (said_space and _ASKS_SPACE.search(question))
    )


GIVE_AWAY_MIN_WORDS = 4  # of the point's own words beyond the answer; fewer is no point
GIVE_AWAY_SHARE = 0.7  # of those, in the question: it asks the point itself


def gives_away(question: str, point: str, answer: str) -> bool:
    """The question states a strong point the candidate has not made, compared by stems:
    "How did you communicate the trade-offs and say no or not yet?" is the bank's "Shows
    how they communicated trade-offs and said no or not yet"."""
    own = _content_stems(point) - _content_stems(answer)
    asked = _content_stems(question)
    return len(own) >= GIVE_AWAY_MIN_WORDS and len(own & asked) >= GIVE_AWAY_SHARE * len(own)


def asks_back_the_unknown(question: str, answer: str) -> bool:
    """The question asks, in the answer's words, what the answer admitted not knowing, and
    names little of the attempt after the admission."""
    unknown, attempt = speech_acts.admitted_and_tried(answer)
    asked = _stems(question)
    if not unknown or len(asked) < 2:
        return False
    in_unknown = asked & _stems(unknown)
    return (
        len(in_unknown) >= ASKED_BACK_SHARE * len(asked)
        and len(asked & _stems(attempt) - in_unknown) < 2
    )


# "How would you measure the supported rate of the answers?" after "to measure it, I'd take
# a few hundred real questions, label whether each number is supported ..., and compare the
# unsupported rate before and after" (the browser page, by voice): asked how, already said.
# "How does the function handle ...": their code or system asked about as them.
_ASKS_HOW = re.compile(
    r"^\s*how (?:would|will|do|does|did|could|can|should) (?:you|we|it|(?:the|your) \w+)"
    r" (?P<verb>[a-z]{3,})\b(?P<rest>[^?]*)",
    re.IGNORECASE,
)
SAID_HOW_SHARE = 0.5  # of the question's naming words after its verb, in the method's sentence
# "How do you handle the case where the amount is 0?" after "I'd also test the amount 0,
# which needs 0 coins" (a coding round on the page, by voice): how a case is handled is said
# by what the answer says comes of it.
_HANDLING = ("handl", "deal", "treat", "cover")
_A_CASE = frozenset({"case", "cases", "situation", "scenario", "input", "inputs", "edge"})
# "How would you measure the quality of the answers generated by the smaller model compared
# to the current model?" after "I would try a distilled model on the six hundred evaluation
# questions, compare it with the current one, and only switch if the answers stay as good"
# (the page by voice): how to check something is said by a plan to test it on something.
_CHECKING = ("measu", "evalu", "asses", "compa", "test", "check", "valid", "verif", "bench")
_PLANS_A_CHECK = re.compile(
    r"\b(?:i|we)(?:'d|'ll| would| will| could)?\s+(?:\w+\s+){0,2}?"
    r"(?P<how>(?P<verb>try|test|run|evaluate|compare|measure|check|benchmark|validate)\b"
    r"[^.?!]*?\b(?:on|against|with)\b[^.?!]*)",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(?P<how>(?:needs|returns|gives|yields|outputs"
    r"|(?:should|would|will|must) (?:return|give|yield|output|need))\b[^.?!]*)",
    re.IGNORECASE,
)


def given_method(question: str, answer: str) -> str:
    """The way the answer already gave of doing what a 'how would you ...' question asks, or
    "": the words after "to <verb> it, I'd" or "<verb> ... by" ("to measure it, I'd take a
    few hundred real questions ..."); asked how they handle a case, what they said comes of
    it ("the amount 0, which needs 0 coins"); asked how they would check something, a plan
    to test it on something ("try a distilled model on the six hundred evaluation
    questions")."""
    asks = _ASKS_HOW.match(question)
    if asks is None:
        return ""
    stem = asks.group("verb").lower()[:_STEM_CHARS]
    rest = naming_words(asks.group("rest"))
    how = _said_way(stem, rest, answer)
    if not how and stem.startswith(_CHECKING):
        how = _planned_check(stem, rest, answer)
    return _trim(how.strip(" ,"), MAX_FOCUS_WORDS) if how else ""


def _said_way(stem: str, rest: set[str], answer: str) -> str:
    """The way, or what comes of the case asked about, in a sentence that holds most of the
    question's other naming words."""
    said_how = re.compile(
        rf"\bto {stem}\w*(?: (?:it|this|that|them))?,?\s+(?:i|we)(?:'d|'ll| would| will)\s+"
        rf"(?P<how>(?:\S+\s+){{3}}[^.?!]*)"
        rf"|\b{stem}\w*\b[^.?!]{{0,40}}?\bby (?P<by>\w+ing\b[^.?!]*)",
        re.IGNORECASE,
    )
    case = {w[:_STEM_CHARS] for w in rest - _A_CASE} if stem.startswith(_HANDLING) else set()
    for sentence in speech_acts.sentences(answer):
        found = said_how.search(sentence)
        if found is None and case and case <= _stems(sentence):
            found = _OUTCOME.search(sentence)  # every word of the case, and what comes of it
        if found is None:
            continue
        if not rest or len(rest & naming_words(sentence)) >= SAID_HOW_SHARE * len(rest):
            return found.groupdict().get("how") or found.group("by")
    return ""


def _planned_check(stem: str, rest: set[str], answer: str) -> str:
    """A plan to test it, by another verb than the one asked ("I'd check it against the
    labels" only repeats "how would you check ...?"), with the question's other words
    anywhere in the answer (by stem: the plan says "compare it with the current one" of
    "the smaller model" named before)."""
    asked = {w[:_STEM_CHARS] for w in rest}
    if not asked or len(asked & _stems(answer)) < SAID_HOW_SHARE * len(asked):
        return ""
    for sentence in speech_acts.sentences(answer):
        plan = _PLANS_A_CHECK.search(sentence)
        if plan is not None and not plan.group("verb").lower().startswith(stem):
            return plan.group("how")
    return ""


def probe_focus(question: str, answer: str, unclear: frozenset[str] = frozenset()) -> str:
    """Words of the answer to name to the model for its one retry: the reason it gave for
    what the question asks why of, or the way it gave of doing what it asks how to; else a
    phrase of the attempt after an admission (never what they said they do not know); else
    the answer's most telling phrase."""
    _, attempt = speech_acts.admitted_and_tried(answer)
    return (
        given_reason(question, answer)
        or given_method(question, answer)
        or (content_phrase(attempt, unclear) if attempt else "")
        or content_phrase(answer, unclear)
    )


MAX_FOCUS_WORDS = 14  # a reason named to the model for its retry, not a spoken quote


def _reason_clause(after: str) -> str:
    clause = re.split(r"[,.;!?]|\b(?:and|but|so)\b", after)[0]
    return _trim(clause.strip(), MAX_FOCUS_WORDS)


def _chooses_what_they_did(question: str, answer: str) -> bool:
    """'How did you decide to prioritise the patients?' after 'I prioritised the patients':
    the choice asked about is an action the answer tells (the word stems agree)."""
    after = _ATTRIBUTES_CHOICE.split(question, maxsplit=1)[-1]
    asked = [w for w in speech_acts.words(after)[:4] if w not in _FUNCTION_WORDS]
    said = {w[:6] for w in naming_words(answer) if len(w) >= 5}
    return any(len(w) >= 5 and w[:6] in said for w in asked)


# Where a choice is put to the speaker: "I'd use", "we went with", "my pick".
_SPEAKER = re.compile(r"\b(?:i|we|i'd|we'd|i'll|we'll|i'm|we're|let's|my|our|me|us)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,.;:!?]|\s(?:so|but|and then|because|which)\s", re.I)
# A clause that sets a scene rather than picks: "with a random split", "if we shuffle".
_CIRCUMSTANCE = re.compile(
    r"^\s*(?:(?:and|so|okay|but)\s+)?(?:with|without|under|if|when|after|given)\b", re.I
)


# "decide to merge": the action put to the speaker, by its stem.
_CHOSEN_ACTION = re.compile(r"^\s*to\s+(?P<verb>[a-z]{4,})\b", re.I)


def _done_by_someone_else(after_choice: str, answer: str) -> bool:
    """ "Why did you decide to merge the Ocean Engineering Department ...?" after "now it's
    merged with the Mechanical Engineering Department" (a real MIT answer): the action the
    question says they decided on is in the answer only in clauses with no "I"/"we". A
    clause that opens with the action ("Split up tasks etc.") is theirs, said bare."""
    action = _CHOSEN_ACTION.match(after_choice)
    if action is None:
        return False
    stem = action.group("verb").lower()[:_STEM_CHARS]
    doing = []
    for clause in _CLAUSE_BREAK.split(speech_acts.strip_fillers(answer)[0]):
        words = speech_acts.strip_lead_ins(speech_acts.words(clause))
        if any(w.startswith(stem) for w in words):
            if words[0].startswith(stem) or _SPEAKER.search(clause):
                return False
            doing.append(clause)
    return bool(doing)


def _not_their_choice(question: str, answer: str) -> bool:
    """ "Why did you choose a random split?" after "with a random split, the same patient
    shows up on both sides, ... I would split by patient": what the question says they chose
    is in the answer only in clauses that set a scene ("with ...", "if ..."), never beside
    "I"/"we". A bare "So, gradient boosted trees, because ..." is a choice, and passes."""
    match = _ATTRIBUTES_CHOICE.search(question)
    if match is None:
        return False
    if _done_by_someone_else(question[match.end() :], answer):
        return True
    chosen = [
        w for w in speech_acts.words(question[match.end() :])[:5] if w not in _FUNCTION_WORDS
    ][:3]
    if len(chosen) < 2:
        return False
    holding = [
        clause
        for clause in _CLAUSE_BREAK.split(answer)
        if set(chosen) <= set(speech_acts.words(clause))
    ]
    return bool(holding) and all(
        _CIRCUMSTANCE.search(clause) and not _SPEAKER.search(clause) for clause in holding
    )


# "Why do you think ROC AUC is still useful in this case, despite the high false positive
# rate?" after an answer that showed why ROC AUC misleads there (the page by voice): a view
# put in their mouth. The question's judgement must be a word of theirs.
_ASKS_WHY_THEY_THINK = re.compile(
    r"\bwhy do you (?:think|believe|feel|say|consider)\b(?P<claim>[^?]*)", re.IGNORECASE
)
_JUDGEMENTS = frozenset(
    "useful good better best worse worst important helpful enough effective works work "
    "right valuable reliable appropriate suitable fine ideal optimal preferable".split()
)


def _not_their_view(question: str, answer: str) -> bool:
    """The question asks why they think something good or bad of a thing, and they never
    said that judgement (by its stem) at all."""
    asks = _ASKS_WHY_THEY_THINK.search(question)
    if asks is None:
        return False
    judged = [w for w in speech_acts.words(asks.group("claim")) if w in _JUDGEMENTS]
    said = {w[:_STEM_CHARS] for w in speech_acts.words(answer)}
    return bool(judged) and not any(w[:_STEM_CHARS] in said for w in judged)


def _echoes_an_example(q: str, named: set[str], said: set[str], round: str) -> bool:
    """The prompt's example for a kind of follow-up asked as it is: on a real (MIT) answer
    about a student board's "loss of communication" the model asked "How did you decide to
    roll back before finding the cause?", which names "back" of the answer and nothing else
    of it. A draft is the example's question when the answer's words it names are all the
    example's, and it uses half of the example's words that the answer never said ("What
    would you do differently with the volunteers next time?" uses the form and names theirs).
    """
    asked = naming_words(q)
    for kind in round_follow_ups(round):
        example = naming_words(kind.example)
        if named <= example and len((asked & example) - said) >= 0.5 * len(example):
            return True
    return False


def _only_from_their_questions(named: set[str], answer: str) -> bool:
    """ "How important is accuracy in terms of on-time delivery for your business?" after
    "can I ask ... what matters more to the business, being accurate on average, or not being
    late? Right. So, I would split the delivery time into stages ..." (the browser page, by
    voice): the answer's words it names are only in the questions the turn opened with, and
    the rest of the turn says something to ask about. (Questions inside a story, quoted
    speech, do not count: "Oh, you don't have our seats?")"""
    sentences = speech_acts.sentences(answer)
    opening = 0
    while opening < len(sentences) and speech_acts.is_clarifying_question(sentences[opening]):
        opening += 1
    stated = naming_words(" ".join(sentences[opening:]))
    return opening > 0 and bool(named) and bool(stated) and not named & stated


def validate_probe(
    draft: ProbeDraft,
    candidate_text: str,
    question: Question,
    earlier_questions: list[str] | None = None,
    unclear: frozenset[str] = frozenset(),
) -> list[str]:
    """Why a drafted probe is unusable; empty when it is fine. ``unclear``: the answer's
    words the recogniser was unsure of (``policy/unclear.py``), which it must not repeat."""
    problems = []
    q = draft.question.strip()
    if q.count("?") != 1 or not q.endswith("?"):
        problems.append("ask exactly one question, ending with a question mark")
    if len(q.split()) > MAX_PROBE_WORDS:
        problems.append(f"the question must be at most {MAX_PROBE_WORDS} words")
    said = naming_words(candidate_text)
    named = naming_words(q) & said
    misheard = sorted(w for w in named if quotes_unclear(w, unclear))
    if misheard:
        problems.append(
            f"it repeats words that were not heard clearly ({', '.join(misheard)}); "
            "ask about something else they said"
        )
    # One word of theirs that names something is enough ("Why the fundraiser?"), but not one
    # the question itself used: "What did you do in that situation?" names nothing of theirs.
    asked_before = naming_words(question.prompt)
    if not named - asked_before and said - asked_before:
        problems.append("the question must name a choice or claim from their last answer")
    elif _echoes_an_example(q, named, said, question.round):
        problems.append("that is the example's question, not theirs; ask about their answer")
    elif _only_from_their_questions(named - asked_before, candidate_text):
        problems.append("that turns their own question back on them; ask about what they said")
    if any(gives_away(q, point, candidate_text) for point in question.strong_points):
        problems.append("the question gives away a point the candidate should find")
    if (
        _ATTRIBUTES_CHOICE.search(q)
        and not _MADE_CHOICE.search(speech_acts.strip_fillers(candidate_text)[0])
        and not _chooses_what_they_did(q, candidate_text)
    ):
        # "It is fast enough" is a claim, not a choice: "why did you choose a fast model?"
        # puts words in their mouth.
        problems.append("they made no choice here; ask what makes their claim hold")
    elif _not_their_choice(q, candidate_text):
        problems.append("they did not choose that; ask about what they chose")
    elif _not_their_view(q, candidate_text):
        problems.append("they did not say that; ask about what they said")
    if given_reason(q, candidate_text):
        problems.append("they already said why; ask about the reason they gave")
    elif given_method(q, candidate_text):
        problems.append("they already said how; ask about the way they gave")
    if asks_given_cost(q, candidate_text):
        problems.append("they already gave that cost; ask about a choice behind it")
    if asks_back_the_unknown(q, candidate_text):
        problems.append("they said they don't know that; ask about what they tried")
    asked = set(content_words(q))
    for earlier in earlier_questions or []:
        before = set(content_words(earlier))
        if asked and len(asked & before) >= 0.8 * len(asked):
            problems.append("that repeats an earlier question; probe their latest answer")
            break
    return problems


# A follow-up starts with one of PROBE_OPENERS, at the start of the reply or of a sentence in
# it ("Sure! What did you ..."); it runs to the question mark (cut by the stop sequence).
_PROBE_START = re.compile(
    rf"(?:^|(?<=[.!:\n\"'*]))\s*\**\s*(?P<q>(?:{'|'.join(PROBE_OPENERS)}) [^?{{}}\"\n]*)"
)
# "Based on what you gathered, what made you ...": the question after a leading phrase.
_AFTER_LEAD = re.compile(r"^[^?{}\"\n]{3,80}?,\s+(?P<q>(?:what|how|why|which) [^?{}\"\n]*)")


def read_probe(text: str) -> ProbeDraft | None:
    """The follow-up question in an LLM reply, or None.

    The reply normally is the question itself, cut before its question mark by the stop
    sequence; a model that wrapped it in JSON or a preamble ("Sure! Why ...") still counts.
    """
    text = text.strip()
    if text.startswith("{"):
        with contextlib.suppress(ValueError, AttributeError):
            text = str(json.loads(text).get("question", ""))
    match = _PROBE_START.search(text) or _AFTER_LEAD.match(text)
    if match is None:
        return None
    question = match.group("q").strip().rstrip(".,;:!")
    try:
        return ProbeDraft(question=question[0].upper() + question[1:] + "?")
    except ValidationError:
        return None


# --- the rule-based follow-up ---------------------------------------------------------------

MAX_QUOTE_WORDS = 9
# A quote may be cut before these words: what follows them is a new phrase.
_PHRASE_BREAKS = frozenset(
    """and but or so because since which who where when while that as with without for to in
    on at by from of about after before during until if than like then""".split()
)
# Clause boundaries in a spoken answer: punctuation, and the words that start a new clause.
_CLAUSE_SPLIT = re.compile(
    r"[.!?;:,()\[\]]+|\s+-+\s+|\s{2,}|\b(?:and then|and so|but|because|so that|which)\b",
    re.IGNORECASE,
)
# A story about the past in the first person: "I organised", "we had", "I was president".
_STORY = re.compile(
    r"\b(?:i|we|my team|our team)\s+(?:\w+ly\s+)?(?:was|were|had|did|got|went|made|ran|led|took"
    r"|found|told|met|became|began|started|\w{2,}ed)\b",
    re.IGNORECASE,
)

CHOICE_TEMPLATE = "You said you'd {verb} {phrase}. Why that, rather than an alternative?"
CLAIM_TEMPLATE = "What makes {subject} {rest}?"
STORY_TEMPLATE = 'You mentioned "{phrase}". What did you do yourself there?'
STATEMENT_TEMPLATE = 'You said "{phrase}". What makes that hold?'
BARE_TEMPLATE = "What did you do yourself, step by step?"


def _trim(phrase: str, max_words: int) -> str:
    """The first words of a phrase, without a dangling 'and'/'the' at the end."""
    words = phrase.split()[:max_words]
    while words and words[-1].lower().strip(",;:") in _FUNCTION_WORDS | _PHRASE_BREAKS:
        words.pop()
    return " ".join(words)


_SUBJECTS = frozenset("i we they he she im theyre theres thats heres".split())
_AUXILIARIES = frozenset(
    """be been being is are was were am have has had do does did get got go going would could
    should will can might must may""".split()
)


def _bare(token: str) -> str:
    """A token as the word sets spell it: lower case, no punctuation or apostrophe."""
    return "".join(speech_acts.bare_words(token))


# The particle of a phrasal verb: "the same patient shows up" ends there, not at "shows".
_PARTICLES = frozenset("up out down off away back".split())
# Verbs that need what follows: "my tech lead wanted" is not a quote.
_NEEDS_MORE = frozenset(
    """want wants wanted need needs needed try tries tried decide decides decided plan plans
    planned hope hoped start started begin began chose choose agreed refused managed
    seemed thought think said told asked suggested""".split()
)


def _ends_open(token: str, before: str = "") -> bool:
    """A word a quote cannot end on: it needs more ("without", "the", "my"). A particle
    after a word that names something closes its verb instead (``before``: the word
    before it)."""
    bare = _bare(token)
    if bare in _PARTICLES and before and _bare(before) not in _FUNCTION_WORDS | _PHRASE_BREAKS:
        return False
    return (
        bare in _FUNCTION_WORDS
        or bare in _PHRASE_BREAKS
        or bare in speech_acts.OPEN_WORDS
        or bare in _NEEDS_MORE
    )


def _spans(tokens: list[str]) -> list[tuple[int, int]]:
    """Quotable spans of one clause: starting at the clause's start (after its lead-ins) or
    right after a word that opens a new phrase, ending before one or at the clause's end,
    at most :data:`MAX_QUOTE_WORDS` long, never ending on a word that needs more."""
    first = len(tokens) - len(speech_acts.strip_lead_ins(tokens))
    starts = [first] + [
        i + 1 for i in range(first, len(tokens) - 1) if _bare(tokens[i]) in _PHRASE_BREAKS
    ]
    # "in high school I was a lifeguard": a subject starts a new phrase too.
    subjects = [i for i in range(first + 1, len(tokens)) if _bare(tokens[i]) in _SUBJECTS]
    starts += subjects
    ends = {len(tokens), *subjects}
    ends |= {i for i in range(len(tokens)) if _bare(tokens[i]) in _PHRASE_BREAKS}
    found = []
    for a in starts:
        while a < len(tokens) and _bare(tokens[a]) in _AUXILIARIES:
            a += 1  # "to be chair of ..." is quoted from "chair"
        if a >= len(tokens) or _bare(tokens[a]) in _PHRASE_BREAKS:
            continue
        a = len(tokens) - len(speech_acts.strip_lead_ins(tokens[a:]))  # "in order to ..."
        if a >= len(tokens):
            continue
        limit = min([i for i in subjects if i > a] + [len(tokens)])
        for b in sorted(ends):
            if b - a < 2 or b - a > MAX_QUOTE_WORDS or b > limit:
                continue
            while b > a and _ends_open(tokens[b - 1], tokens[b - 2] if b - 2 >= a else ""):
                b -= 1
            if b - a >= 2:
                found.append((a, b))
    return found


def content_phrase(text: str, unclear: frozenset[str] = frozenset()) -> str:
    """The phrase of the answer a follow-up can quote: the span that names the most (names
    and numbers count double, long spans a little less), earlier first; never a courtesy, a
    lead-in, a fragment or a word not heard clearly (``unclear``). Empty when no span names
    two things."""
    best, best_score = "", 0.0
    for sentence in speech_acts.sentences(text):
        at_start = True
        for clause in _CLAUSE_SPLIT.split(sentence):
            if not clause or not clause.strip():
                continue
            # The candidate's words without their hesitations: "the robotics project uhh
            # competition" is quoted as a person repeating it would say it.
            tokens = [
                t.strip("\"'")
                for t in clause.split()
                if not speech_acts.FILLER.fullmatch(t.strip(",.;:-\"'"))
            ]
            initial = 0 if at_start else -1  # a capital there starts the sentence
            at_start = False
            if speech_acts.courtesy_or_closing(clause):
                continue
            for a, b in _spans(tokens):
                if quotes_unclear(" ".join(tokens[a:b]), unclear):
                    continue
                quote = " ".join(tokens[a:b]).strip(" ,;:-")
                named = naming_words(quote)
                if len(named) < 2 or speech_acts.opens_with_filler(quote):
                    continue
                proper = sum(
                    1
                    for i in range(a, b)
                    if i != initial
                    and (tokens[i][:1].isupper() or tokens[i][:1].isdigit())
                    and _bare(tokens[i]) not in {"i", "im", "ive", "id", "ill"}
                )
                score = len(named) + proper - 0.15 * (b - a)
                if score > best_score:
                    best, best_score = quote, score
    return best


def fallback_probe(
    candidate_text: str, story: bool = False, unclear: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """A deterministic follow-up that fits what was said: (quoted target, question).

    A choice ("I'd use X") gets "why that"; a claim ("it is fast enough") gets "what makes it
    ..."; a story (``story``: the round asks for one, or the answer tells one) gets "what did
    you do yourself"; anything else gets "what makes that hold" about its most telling phrase.
    None of them quotes a word not heard clearly (``unclear``).
    """

    match = speech_acts.CHOICE.search(candidate_text)
    if match:
        verb, target = match.group(1).lower(), _trim(match.group(2), 8)
        # "I'd try to always ..." chooses nothing nameable: only a thing chosen is probed so.
        if (
            naming_words(target)
            and _bare(target.split()[0]) not in _PHRASE_BREAKS
            and not quotes_unclear(target, unclear)
        ):
            return target, CHOICE_TEMPLATE.format(verb=verb, phrase=target)
    tells_story = bool(_STORY.search(candidate_text))
    if not tells_story:
        for sentence in speech_acts.sentences(candidate_text):
            claim = _CLAIM.match(sentence.strip())
            if claim and not _MADE_CHOICE.search(sentence):
                subject = claim.group("subject")
                subject = subject if subject.lower() != "that" else "it"
                rest = _trim(claim.group("rest").rstrip(".!? "), 12)
                if naming_words(rest) and not quotes_unclear(f"{subject} {rest}", unclear):
                    target = f"{subject} is {rest}"
                    return target, CLAIM_TEMPLATE.format(
                        subject=subject[0].lower() + subject[1:], rest=rest
                    )
    phrase = content_phrase(candidate_text, unclear)
    if not phrase:
        return "", BARE_TEMPLATE
    template = STORY_TEMPLATE if tells_story or story else STATEMENT_TEMPLATE
    return phrase, template.format(phrase=phrase)
