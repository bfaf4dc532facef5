"""Reading a candidate's sentence: what it does, from its words alone.

The live interviewer (``interview/policy/``, ``turns/endpointing.py``) and the grader
(``grading/evidence.py``) must read the same words the same way: a sentence the interviewer
answered as a clarifying question is a clarifying question on the scorecard too. So every
phrase that marks an act is written here, once, with the one word tokeniser, the one sentence
splitter and the one speaking rate:

- a clarifying question (``is_question``, ``is_clarifying_question``; check-ins are not),
- not knowing (``DONT_KNOW``: "I don't know", "I'm stuck") and hedging (``HEDGE``: "my guess
  is"); the grader counts both as an admission, the interviewer gives a hint only for the first,
- a request for a hint or to move on,
- a choice ("I'd use X") and an absolute claim ("definitely"),
- thinking aloud (a reason, options, a rejection, an assumption),
- a filler, a pause announcement ("let me think"), and a done phrase ("that's my answer"),
- a turn that only closes ("No, that's all, thank you.") or acknowledges ("Okay, thanks."),
  and one that takes or declines an offer ("Yes, let's move on." / "No, let me try again."),
- about code: a request to run the tests ("/run", "let me run it"), an example walked through
  and edge cases named (the coding round asks and the grader scores the same readings).

Pure functions and compiled patterns, no model: the same words always get the same reading.
Vocabulary that only the grader scores (trade-off axes, metrics, complexity, STAR parts) stays
in ``grading/evidence.py``.
"""

from __future__ import annotations

import re

from .speech_requests import read_request

# --- words, sentences, time -----------------------------------------------------------------

# 150 words a minute: typical conversational English (the usual 140-160 range). It turns text
# with no audio into time: a typed answer on the session timeline, an untimed transcript line,
# a text-only filler rate. Measured on real speech it is on the slow side (Switchboard turns,
# pauses included: ~3.1 words/s), which suits interview answers, spoken while thinking.
SPEAKING_WORDS_PER_S = 2.5

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-case words, punctuation stripped, apostrophes kept ("i'm"): the one tokeniser."""
    return _WORD.findall(text.lower().replace("’", "'"))


def word_count(text: str) -> int:
    return len(words(text))


def speaking_time_s(text: str) -> float:
    """How long ``text`` takes to say at :data:`SPEAKING_WORDS_PER_S`."""
    return word_count(text) / SPEAKING_WORDS_PER_S


# A full stop between digits ("0.95", "2.5 s") is a decimal point, not a sentence end.
_SENTENCE = re.compile(r"(?:[^.!?]|(?<=\d)\.(?=\d))+(?:[.!?]+|$)")


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(char offset, sentence) pairs; each sentence is an exact slice of ``text``."""
    out: list[tuple[int, str]] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if len(stripped) < 2:
            continue
        out.append((match.start() + raw.index(stripped[0]), stripped))
    return out


def sentences(text: str) -> list[str]:
    return [s for _, s in sentence_spans(text)]


# Where a clause of a long sentence ends: a comma or semicolon, or before a joining "so",
# "but", "because" (speech recognition strings a spoken answer into one comma-spliced run).
_CLAUSE_END = re.compile(r"[,;:](?=\s)|(?=\s(?:so|but|because|whereas|while)\s)", re.IGNORECASE)
CLAUSE_SPLIT_WORDS = 25  # a sentence longer than this is also read clause by clause


def clause_windows(
    sentence: str, min_words: int = 6, max_words: int = CLAUSE_SPLIT_WORDS
) -> list[tuple[int, str]]:
    """(char offset, text) of each run of consecutive clauses of a long sentence, an exact
    slice of it, between ``min_words`` and ``max_words`` words: "with a random split, the
    same patient shows up on both sides" out of a 50-word run-on that makes three points.
    Empty for a sentence of at most ``max_words`` words (it is read whole)."""
    if word_count(sentence) <= max_words:
        return []
    cuts = [0] + [m.end() for m in _CLAUSE_END.finditer(sentence)] + [len(sentence)]
    cuts = sorted(set(cuts))
    out: dict[str, int] = {}  # each text once, at its first place
    for i in range(len(cuts) - 1):
        for j in range(i + 1, len(cuts)):
            raw = sentence[cuts[i] : cuts[j]]
            piece = raw.strip(" ,;:")
            n = word_count(piece)
            if n > max_words:
                break
            if n >= min_words and piece not in out:
                out[piece] = cuts[i] + len(raw) - len(raw.lstrip(" ,;:"))
    return [(start, piece) for piece, start in out.items()]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _phrases(phrases: tuple[str, ...]) -> str:
    """Plain phrases as one regex alternation."""
    return "|".join(re.escape(p) for p in phrases)


# --- fillers and pauses ---------------------------------------------------------------------
_HESITATION = r"um+|uh+|uhm|erm+|er|ah+|hmm+|mm+"
# Every filler, counted for delivery: hesitations and empty phrases.
FILLER = _rx(
    rf"\b({_HESITATION}|you know(?!\s+(what|how|that|the|if|when"
    r"|where|why|whether))|i mean(?=,)|like(?=,)|basically|literally)\b"
)
# Hesitations alone (um, uh): what the delivery level counts. On the MIT interviews their
# rate ranks the raters' NoFillers at 0.68 where every filler above reaches 0.64.
HESITATION = _rx(rf"\b(?:{_HESITATION})\b")
# Fillers taken out before reading a sentence, so "I, uh, set up" reads "I set up".
_SOFT_FILLER = _rx(rf",?\s*\b(?:{_HESITATION}|like(?=,)|you know(?=,))\b,?")


def strip_fillers(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` without soft fillers, and for each kept char its index in ``text``."""
    chars: list[str] = []
    index: list[int] = []

    def keep(ch: str, at: int) -> None:
        if ch.isspace() and (not chars or chars[-1] == " "):
            return
        chars.append(" " if ch.isspace() else ch)
        index.append(at)

    pos = 0
    for m in _SOFT_FILLER.finditer(text):
        for i in range(pos, m.start()):
            keep(text[i], i)
        keep(" ", m.start())
        pos = m.end()
    for i in range(pos, len(text)):
        keep(text[i], i)
    while chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), tuple(index)


# Said before going quiet on purpose: the turn is not over, and the silence is not a blank.
PAUSE_ANNOUNCEMENTS: tuple[str, ...] = (
    "let me think",
    "let me think about it",
    "let me think about that",
    "let me see",
    "let me consider",
    "let me take a second",
    "let me take a moment",
    "let me take a minute",
    "give me a second",
    "give me a moment",
    "give me a minute",
    "give me a sec",
    "one moment",
    "one second",
    "one sec",
    "hold on",
    "bear with me",
)
# Working out loud: a silence after these is the candidate writing or working, not stuck.
WORKING_ALOUD: tuple[str, ...] = (
    "thinking about",
    "let me jot",
    "let me write",
    "let me work",
    "let me check",
)
ANNOUNCED_PAUSE = _rx(rf"\b({_phrases(PAUSE_ANNOUNCEMENTS + WORKING_ALOUD)})\b")
# The candidate hands the turn back.
DONE_PHRASES: tuple[str, ...] = (
    "i'm done",
    "i am done",
    "that's my answer",
    "that is my answer",
    "that's all",
    "that's it",
    "that is all",
    "end of answer",
    "i'm finished",
    "i am finished",
)
# How an answer's last words sound (turns/completeness.py reads them for the end-of-turn
# policy). Written without apostrophes: they are matched against words stripped of theirs,
# so Whisper's "I'm" and a transcript's "im" read the same.
# Hesitation sounds: the speaker holds the floor while finding the next words.
HESITATION_WORDS = frozenset(
    {"um", "uh", "erm", "er", "uhm", "umm", "uhh", "hmm", "hm", "mm", "ah"}
)
# Function words a sentence cannot stop on: what they introduce is still to come.
OPEN_WORDS = frozenset(
    {
        # conjunctions
        "and", "but", "or", "nor", "so", "because", "cause", "cuz", "then", "that", "which",
        "who", "whom", "whose", "where", "if", "when", "whenever", "while", "whereas",
        "although", "though", "since", "unless", "until", "than", "whether", "plus",
        # prepositions
        "to", "of", "for", "with", "in", "on", "at", "by", "from", "about", "into", "onto",
        "between", "through", "during", "without", "within", "across", "against", "among",
        "toward", "towards", "via", "per", "like",
        # determiners
        "the", "a", "an", "my", "our", "your", "their", "his", "every", "each", "another",
        # auxiliaries and the copula
        "is", "are", "was", "am", "be", "been", "being", "will", "would", "could", "should",
        "can", "might", "must", "shall",
        # subjects and subject contractions: the verb is still to come ("its" is also "it's")
        "i", "we", "they", "he", "she", "im", "were", "theyre", "youre", "hes", "shes", "its",
        "thats", "theres", "heres", "ive", "weve", "theyve", "id", "wed", "ill", "well",
        # markers that announce more
        "basically", "namely",
    }
)  # fmt: skip
# Open only as contractions ("I'd", "I'll", "we'll", "we'd"), which Whisper writes with the
# apostrophe: written without it and closed by a full stop ("the user id.", "it works
# well."), they end the sentence. Word timings without punctuation still read them open.
OPEN_ONLY_AS_CONTRACTIONS = frozenset({"id", "ill", "well", "wed"})
# Acknowledgements and discourse markers that open an answer: "Yeah. So..." is a start.
TURN_STARTERS = frozenset(
    {
        "yeah", "yes", "yep", "yup", "no", "nope", "okay", "ok", "right", "sure", "well",
        "so", "oh", "huh", "actually", "alright", "hmm", "uh", "um", "mhm", "great", "good",
        "definitely", "absolutely", "exactly", "interesting", "hi", "hello", "now",
    }
)  # fmt: skip


def bare_words(text: str) -> list[str]:
    """:func:`words` with apostrophes dropped ("I'm" -> "im"), for the word sets above."""
    return [w.replace("'", "") for w in words(text) if w.replace("'", "")]


# Words that open a phrase without saying anything yet: a follow-up that quotes the candidate
# never starts its quote on these ("um so I think this past year" is quoted from "this past
# year"). Matched word by word against bare_words, longest first.
PHRASE_LEAD_INS: tuple[str, ...] = (
    "i think", "i guess", "i mean", "i feel like", "i would say", "id say", "i would think",
    "i suppose", "i believe", "you know", "kind of", "sort of", "i am going to", "im going to",
    "i am going", "im going", "i was going to", "going to", "gonna", "i can think of",
    "let me think", "let me see", "to be honest", "honestly", "in terms of",
    "as far as", "a lot of", "one of the things", "the thing is", "what i did was",
    "in order to", "order to",
    "like", "basically", "actually", "really", "just", "probably", "maybe", "also", "then",
    "and", "but", "or", "so", "because", "which", "yeah", "yes", "yep", "okay", "ok",
    "oh", "well", "alright", "right", "sure", "now", "mhm", "mmhmm", "hmm",
)  # fmt: skip
# Vague extenders and comments on the question: never what a follow-up is about (courtesies
# and hand-backs are COURTESIES and HAND_BACKS, below).
VAGUE_PHRASES = _rx(
    r"\b(good question|great question|nice to meet|that sort of stuff|that kind of stuff"
    r"|stuff like that|things like that|and so on|and so forth|whatever)\b"
)


def strip_lead_ins(tokens: list[str]) -> list[str]:
    """``tokens`` (original words) without the hesitations and lead-ins
    (:data:`PHRASE_LEAD_INS`) at their start."""
    leads = sorted((lead.split() for lead in PHRASE_LEAD_INS), key=len, reverse=True)
    start = 0
    while start < len(tokens):
        bare = [w.replace("'", "") for t in tokens[start : start + 5] for w in words(t)]
        if not bare:
            start += 1  # punctuation only
            continue
        if bare[0] in HESITATION_WORDS or re.fullmatch(_HESITATION, bare[0]):
            start += 1
            continue
        lead = next((n for n in leads if bare[: len(n)] == n), None)
        if lead is None:
            break
        start += len(lead)
    return tokens[start:]


def opens_with_filler(phrase: str) -> bool:
    """Whether a phrase starts with a hesitation or a lead-in ("um", "so I think", "I am
    going"): quoted, it would say nothing."""
    tokens = phrase.split()
    return bool(tokens) and strip_lead_ins(tokens) != tokens


# --- questions ------------------------------------------------------------------------------
# Words people say before the question itself: "so, um, how many users...".
_LEAD_IN = r"so|and|okay|ok|um|uh|first|just|also|right|well|alright"
# Openers of a question put to the interviewer ("how many users do we have"): Whisper often
# drops the question mark, so an opener counts as much as the mark.
QUESTION_OPENERS: tuple[str, ...] = (
    "can i assume",
    "could i assume",
    "can we assume",
    "can assume",  # speech recognition drops the "I" of a quick "can I assume"
    "could assume",
    "what should happen",
    "what should it",
    "what should we",
    "what should the",
    "do we",
    "does the",
    "does it",
    "is the",
    "are the",
    "is there",
    "are there",
    "how many",
    "how much",
    "how big",
    "how large",
    "how fast",
    "how often",
    "how long",
    "how do we",
    "how are",
    "how is",
    "what is the",
    "what's the",
    "what are the",
    "what kind",
    "what type",
    "what data",
    "what does",
    "what do we",
    "what would",
    "what's our",
    "what is our",
    "who are",
    "should i",
    "should we",
    "will the",
    "do i",
    "do you",
    "are we",
    "is it",
    "could you tell",
    "can you tell",
    "may i ask",
    "could i ask",
    "can i ask",
    "am i allowed",
)
# A question asked through a frame: "before I design anything, can I ask how many ...", "I'd
# like to know whether ...", or as speech recognition gives it, "I ask how many ...".
_ASKING = (
    r"(?:before i \w+(?: \w+)?,?\s+)?(?:(?:i|let me|can i|may i|could i) ask"
    r"|(?:i'd like|i would like|i want) to (?:ask|know)|i(?:'m| am| was) (?:wondering|curious)"
    r"|i wonder)"
)
# "Which metric do we optimise": a question. "Which was kind of standard", "which I was happy
# about": the rest of the sentence before (real interview answers), not a question.
_WHICH = (
    r"which(?!\s+(?:was|were|i|we|they|he|she|it|you|made|makes|meant|means|helped|led"
    r"|caused|kind|sort)\b"
    r"|\s+(?:is|are)\s+(?!more|less|better|worse|best|most|the|it|preferred|acceptable)\w)"
)
# "Before I write anything, is the input sorted": a lead-in clause before an opener.
_BEFORE = r"(?:before (?:i|we) \w+(?: \w+)?,?\s+)"
# "Before I write anything, it's the input sorted and do touching intervals count": questions
# about the task before starting on it, where the recogniser garbled the first one's words
# ("is the" heard as "it's the", "this"). What follows the lead-in is no plan of theirs ("I'd
# sort", "let me") and goes on to a second question ("and do ...", "or is ...").
_BEFORE_STARTING = (
    r"before (?:i|we) (?:write|code|start|begin|dive|jump|design|implement|solve|answer)"
    r"(?: (?:anything|any code|this|it|in|into it|on it|coding))?,\s+"
    r"(?!(?:i|i'd|i'll|i'm|i've|we|we'd|we'll|we're|let|let's|my|our|so|okay|ok|first)\b)"
    r"(?=[^.?!]*\s(?:and|or)\s+(?:do|does|is|are|can|could|should|will|would)\s+(?!i\b|we\b))"
)
# A yes/no question by its word order: an auxiliary before a pronoun or determiner subject
# ("is this input sorted", "are these times in seconds", "can they overlap"). A statement
# does not start that way, so the order reads as a question without the mark.
# "Do" and "have" are main verbs too ("and do the graphs", "have this consensus"): with them
# only a subject that cannot be an object counts.
INVERTED_QUESTION = (
    r"(?:(?:is|are|was|were|can|could|will|would|should)"
    r"\s+(?:the|this|that|these|those|it|there|we|i|you|they|our|my|each|every|any)"
    r"|(?:do|does|did|have|has)\s+(?:you|we|they|i|these|those)|does\s+(?:this|that|the|it))\b"
)
QUESTION_LEAD = _rx(
    rf"^(?:(?:{_LEAD_IN})[,]?\s+){{0,3}}(?:{_ASKING},?\s+(?:about\s+)?"
    rf"(?:{_phrases(QUESTION_OPENERS)}|whether|if|how|what|who|when|where)"
    rf"|{_BEFORE}?(?:{_phrases(QUESTION_OPENERS)}|{_WHICH}|{INVERTED_QUESTION})"
    rf"|{_BEFORE_STARTING}\w+)\b"
)
# The same order in a later clause: "this input sorted, and are these times in seconds".
LATER_QUESTION = _rx(rf"(?:,\s*(?:(?:and|also|or)\s+)?|\s+(?:and|also)\s+){INVERTED_QUESTION}")
# Questions that manage the conversation rather than clarify the problem.
CHECK_IN = _rx(
    r"\b(make sense|should i (start|go ahead|continue|code|begin)|can i (start|begin)"
    r"|is that (ok|okay|alright|fine|right|correct)|does that sound|sound good"
    r"|are you (ok|okay|happy)|any questions|what do you think|shall i|want me to"
    r"|did i answer|can you repeat|could you repeat)\b"
)


_AUXILIARY = r"(?:is|are|was|were|do|does|did|can|could|will|would|should|have|has|had)"
# "How many open orders it has right now, and its history by hour, ...": the words of a
# question in the order of a statement, the subject before any verb. Without a question mark
# it is a clause of what they say (the recogniser cut "For preparation I would use the
# restaurant's load, how many open orders it has ..." in two), not a question.
_STATED_HOW = _rx(
    rf"^(?:(?:{_LEAD_IN})[,]?\s+){{0,3}}how (?:many|much|long|big|large|fast|often)\s+"
    rf"(?:(?!{_AUXILIARY}\b|of\b)[\w']+\s+){{0,4}}(?:it|they|he|she|we|i|you)\b"
)


def is_question(sentence: str) -> bool:
    """A question mark or a question opener; a rhetorical "why ...?" is reasoning."""
    stripped = sentence.strip()
    if stripped.lower().startswith(("why", "how about we")):
        return False
    if stripped.endswith("?"):
        return True
    if _STATED_HOW.search(stripped):
        return bool(LATER_QUESTION.search(stripped))
    return bool(QUESTION_LEAD.search(stripped)) or bool(LATER_QUESTION.search(stripped))


# Where a second question starts inside one sentence: ", and whether ...", "and what ...",
# ", how ...". Not at "or": "is it real time, or is it batch?" asks one thing.
_NEXT_QUESTION = _rx(
    r"(?:,\s*(?:(?:and|also)\s+)?|\s+(?:and|also)\s+)"
    r"(?=(?:whether|how|what|what's|which|who|where|when|why|do|does|is|are|can|could|will"
    r"|would|should|has|have|did|was|were)\b)"
    r"|,?\s+(?:and|also)\s+(?=if\b)"
)
# A part that asks: a question word or a frame that asks ("can I ask", "I'd like to know").
_ASKS = _rx(
    r"\b(?:whether|if|how|what|what's|which|who|where|when|why|do|does|did|is|are|can|could"
    r"|will|would|should|ask|know|wonder|wondering|curious)\b"
)


def question_spans(sentence: str) -> list[tuple[int, int]]:
    """Each question of one sentence as a (start, end) span: "How many users, and what
    latency?" is two. A lead-in that asks nothing ("Before I start, how many ...") belongs
    to the question after it."""
    cuts = [0] + [m.start() for m in _NEXT_QUESTION.finditer(sentence)] + [len(sentence)]
    spans: list[tuple[int, int]] = []
    lead = None
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        if not sentence[lo:hi].strip(" ,"):
            continue
        if lead is None and not spans and not _ASKS.search(sentence, lo, hi):
            lead = lo
            continue
        spans.append((lead if lead is not None and not spans else lo, hi))
    return spans or [(0, len(sentence))]


def question_parts(sentence: str) -> list[str]:
    """The text of each question in one sentence (:func:`question_spans`), without the
    words that join them."""
    parts = []
    for lo, hi in question_spans(sentence):
        part = _JOINER.sub("", sentence[lo:hi]).strip()
        if part:
            parts.append(part)
    return parts


_JOINER = _rx(r"^[\s,]*(?:(?:and|also)\s+)?")


def is_clarifying_question(sentence: str) -> bool:
    """A question about the problem, not a check-in ("does that make sense?") nor a request
    ("can we move on?", "any hint?")."""
    clean, _ = strip_fillers(sentence)
    if not is_question(clean) or (
        CHECK_IN.search(clean)
        or MOVE_ON_REQUEST.search(clean)
        or HINT_REQUEST.search(clean)
        or asks_to_run(clean)  # "can I run the tests?" asks the coding round to act
    ):
        return False
    # "Can you repeat that?", "what do you mean by that?": asked of the interviewer, not about
    # the problem.
    reading = read_request(clean)
    return not (reading.kind is not None and reading.kind != "self_correction")


# --- not knowing, asking for help -----------------------------------------------------------
# The candidate cannot go on: the interviewer answers with a hint, the grader counts honesty.
DONT_KNOW = _rx(
    r"\b((i )?(do not|don't|dont) (really )?(know|remember|recall)|i'm not (100% |completely "
    r"|entirely |totally )?(sure|certain)|i am not (sure|certain)|not sure|i'm unsure"
    r"|i'm not familiar|not familiar|i haven't (used|worked|seen|tried|done)"
    r"|i have not (used|worked|seen|tried)|never (used|worked with|heard of)"
    r"|i can't (remember|recall)|i'm stuck|i am stuck|i have no clue|no idea|blanking"
    r"|still don't know|still not sure|not something i('ve| have) (used|done|worked)"
    r"|never (fully |really )?(found|figured|worked) out)\b"
)
# An admission someone else is to say: "otherwise we say we don't know", "the model should
# answer I don't know" (abstention, in an LLM answer on the browser page by voice, read as the
# candidate being stuck). Said by the candidate ("I'd say", "I have to say"), it is theirs.
_REPORTED = _rx(
    r"(?<![\w'])(?!(?:i|i'd|i'll|to)(?![\w']))[\w']+\s+(?:(?:should|would|will|can|could|must)\s+)?"
    r"(?:say|says|said|saying|answer|answers|answered|reply|replies|replied|respond|responds)"
    r"\s+(?:that\s+)?(?:(?:we|it|they|i|you|he|she)\s+)?$"
)


def dont_know(text: str) -> re.Match[str] | None:
    """The first "I don't know" of the speaker's own in ``text`` (:data:`DONT_KNOW`), not one
    they report another saying."""
    for found in DONT_KNOW.finditer(text):
        if not _REPORTED.search(text[: found.start()]):
            return found
    return None


# Unsure but answering: the grader counts it as honesty; the interviewer keeps probing.
HEDGE = _rx(
    r"\b(i'?d (have|need) to (check|look|verify|read)|i would (have|need) to (check"
    r"|look|verify)|i might be wrong|i could be wrong|if i remember (correctly|right)"
    r"|i'm guessing|my guess is|i'm not an expert|off the top of my head"
    r"|edge of (my|what i))"
)
HINT_REQUEST = _rx(r"\b(any|a) (hint|clue|pointer)s?\b|\bcan you help\b|\bgive me a hint\b")
MOVE_ON_REQUEST = _rx(r"\b(can we|let's|could we) (move on|skip|go to the next)\b|\bskip this\b")
# A turn longer than this that hedges one detail is an answer, not a candidate who is stuck.
STUCK_MAX_WORDS = 40


def first_admission(sentence: str) -> re.Match[str] | None:
    """The earliest "I don't know" or hedge in ``sentence`` (what the grader cites)."""
    found = [m for m in (dont_know(sentence), HEDGE.search(sentence)) if m]
    return min(found, key=lambda m: (m.start(), -m.end())) if found else None


# --- choices and claims ---------------------------------------------------------------------
# "I'd use X", "we could go with X", "I'll start with X": the choice a follow-up names.
CHOICE = _rx(
    r"\b(?:i(?:'d| would| will|'ll)?|we(?:'d| would| will|'ll| could)?|let's|i'm going to)\s+"
    r"(?:probably\s+|first\s+|just\s+)?"
    r"(use|choose|pick|go with|start with|train|build|add|try|prefer|rely on|apply)\s+"
    r"([^,.;?!]{3,60})"
)
# A claim stated as beyond doubt. "Never" before what a model or a test set has (not) seen
# describes held-out data ("a month the model never trained on"), not certainty.
ABSOLUTE = _rx(
    r"\b(definitely|absolutely|guaranteed|guarantees?|certainly|obviously"
    r"|without (a|any) doubt|100 ?%|one hundred percent|there's no way|no way that"
    r"|impossible|trust me|everyone knows|it just works|always works|never fails"
    r"|zero risk|no downside|no downsides|perfectly|i'm (completely |totally |100% )?"
    r"(sure|certain|positive)(?! if)|can't be done|cannot be done|the only (correct"
    r"|right|possible|way)|nothing better|no better way|always"
    r"|never\b(?!\s+(?:been\s+)?(?:seen|saw|trained|touched|used)\b))\b"
)

# --- thinking aloud -------------------------------------------------------------------------
REASONING = _rx(
    r"\b(because|since|so that|which means|that means|therefore|the reason"
    r"|in order to|given that|this is why|that's why|which is why)\b"
    r"|(?<!\bokay)(?<!\bok)(?<!\bright)(?<!\bwell)(?<!\byeah)(?<=\w),\s+so\b"
)
# (", so" mid-sentence is a consequence: "..., so a large island could overflow it"; after
# "okay" or "right" it is only a discourse marker.)
OPTIONS = _rx(
    r"\b(one option|another option|the other option|alternatively|an alternative"
    r"|another approach|one approach|a simpler approach|brute[- ]force|we could also"
    r"|i could either|we could either|either\b.{3,60}\bor|option (a|b|one|two)"
    r"|first idea|compared (to|with)|we could|one way|the other way|my plan is"
    r"|(faster|slower|cheaper|simpler|better|worse|easier|harder|more accurate"
    r"|less accurate) than)\b"
)
REJECTION = _rx(
    r"\b(rather than|instead of|i wouldn't|i would not|i'd avoid|i would avoid"
    r"|rule (that|it|this) out|ruled out|won't work|wouldn't work|doesn't work"
    r"|the problem with|the issue with|the downside of|too slow|too expensive"
    r"|i'd rather|i would rather|not worth|reject\w*|doesn't scale|won't scale"
    r"|overkill|(which|that) (gets|is|would be) (painful|too)"
    r"|i don't think\b.{0,40}\b(fix|fixes|solve|solves|works|is enough)"
    r"|(won't|wouldn't|doesn't|does not|will not|would not) (fix|solve)"
    r"|(isn't|is not) enough|not enough on its own|(can't|cannot) rely on)\b"
)
ASSUMPTION = _rx(
    r"\b(i'll assume|i will assume|i'm assuming|i am assuming|assuming|let's assume"
    r"|let me assume|my assumption|i assume|suppose|presumably)\b"
)

# --- a whole turn, as the live interviewer reads it -----------------------------------------


def clarifying_questions(text: str) -> list[str]:
    """Sentences of a turn in which the candidate asks the interviewer about the problem."""
    return [s for s in sentences(text) if is_clarifying_question(s)]


# Where a question starts inside a sentence: at a clause after a comma or a conjunction.
_QUESTION_CLAUSE = _rx(
    r"(?:,\s*|\s+(?:and|so|but|or)\s+)(?:(?:and|so|but|or|then)\s+)?"
    r"(?=(?:how|what|what's|which|who|where|when|whether|do|does|did|is|are|can|could|will"
    r"|would|should)\b)"
)
# A statement this long before a sentence's first question clause is an answer that ends
# asking ("I would start with a golden set of real tickets, ..., and is it helpful?").
MIN_STATEMENT_BEFORE_WORDS = 15


def asked_part(sentence: str) -> str:
    """The words of a question sentence that ask: all of it, unless a statement of
    :data:`MIN_STATEMENT_BEFORE_WORDS` words or more comes before its first question clause.
    Speech recognition often gives a long answer and the questions it ends on as one
    sentence with one question mark."""
    if QUESTION_LEAD.search(sentence.strip()):
        return sentence
    for match in _QUESTION_CLAUSE.finditer(sentence):
        if word_count(sentence[: match.start()]) >= MIN_STATEMENT_BEFORE_WORDS:
            return sentence[match.end() :]
        break
    return sentence


def is_mainly_clarifying(text: str) -> bool:
    """A turn that asks before it answers: most of its words are in clarifying questions."""
    asked = clarifying_questions(text)
    if not asked:
        return False
    asked_words = sum(word_count(asked_part(q)) for q in asked)
    return asked_words >= 0.5 * max(1, word_count(text))


def admits_not_knowing(text: str) -> bool:
    """An honest "I don't know" or a request for help: answered with a hint, not a 'why'."""
    if HINT_REQUEST.search(text):
        return True
    # A short turn that admits not knowing is stuck; a long answer that hedges one detail is
    # not, unless it ends on the admission.
    if word_count(text) <= STUCK_MAX_WORDS:
        return bool(dont_know(text))
    said = sentences(text)
    return bool(dont_know(said[-1] if said else text))


ATTEMPT_MIN_WORDS = 6  # a statement this long after "I'm not sure ..." tries an answer


# "I've never built one before", "we didn't do that at my last job": more of the admission.
NO_EXPERIENCE = _rx(
    r"\b(i|we)('ve| have)? never\b|\b(i|we) (haven't|have not|didn't|did not|don't|do not)"
    r" (ever |really )?(use|work|build|do|touch|deal|need|have|come across|cover)"
)


# Where a try begins inside the admission's own sentence, as speech recognition strings them
# together: "I'm not sure how to handle ..., like a percentage change, maybe it calls a
# calculator tool, so ..." (the browser page, by voice).
_TRY_STARTS = _rx(
    r",\s*(?:(?:and|but|so)\s+)?(?=(?:maybe|perhaps|probably|i guess|i think|i'd|i would"
    r"|i'll|i will|we could|we'd|my guess)\b)"
)


def _admission_and_after(text: str) -> tuple[str, list[str]] | None:
    """What the turn's first admission says is not known (the rest of its sentence, "how I
    would prove ..."), and what comes after: the sentences after it, led by a try that goes
    on in the same sentence."""
    said = sentences(text)
    for at, sentence in enumerate(said):
        admission = dont_know(sentence)
        if admission is None:
            continue
        unknown, after = sentence[admission.end() :], said[at + 1 :]
        go_on = _TRY_STARTS.search(unknown)
        if go_on is not None:
            unknown, after = unknown[: go_on.start()], [unknown[go_on.end() :], *after]
        return unknown, after
    return None


def _tries(after: list[str]) -> bool:
    """A statement of their own among ``after``: a try, not a question or more admission."""
    return any(
        word_count(s) >= ATTEMPT_MIN_WORDS
        and not is_question(s)
        and not dont_know(s)
        and not HINT_REQUEST.search(s)
        and not NO_EXPERIENCE.search(s)
        for s in after
    )


def attempts_after_admission(text: str) -> bool:
    """A turn that admits not knowing and then tries: a statement of its own after the
    admission ("I'm not sure how I'd calibrate the judge. I'd probably start with Cohen's
    kappa and look at where they disagree."), not a question, another admission, nor more
    about what they have never done."""
    found = _admission_and_after(text)
    return found is not None and _tries(found[1])


# What "I'm not sure" is about: "... how I would prove it", "... whether it holds", "... about
# the cost". "I don't know, in history class ..." (a filler) names nothing not known.
_NOT_KNOWN_OBJECT = _rx(r"^[\s,]*(?:how|what|why|which|where|when|whether|if|about)\b")


def admitted_and_tried(text: str) -> tuple[str, str]:
    """What the turn says it does not know ("how I would prove ..." after its first "I'm not
    sure"), and the attempt that follows (the sentences after that one); ("", "") unless
    the turn has both."""
    found = _admission_and_after(text)
    if found is None or not _tries(found[1]):
        return "", ""
    unknown, after = found
    if not _NOT_KNOWN_OBJECT.search(unknown):
        return "", ""
    return unknown.strip(" ,"), " ".join(after)


def asks_to_move_on(text: str) -> bool:
    return bool(MOVE_ON_REQUEST.search(text))


# --- closing a turn, acknowledging, taking or declining an offer ---------------------------
# Said to hand the turn back for good: the done phrases and their kin. A turn made only of
# these, courtesies and the words around them closes the question; nothing in it is probed.
HAND_BACKS: tuple[str, ...] = DONE_PHRASES + (
    "that's all i have",
    "that's all i've got",
    "that's all from me",
    "that's everything",
    "that's about it",
    "that's pretty much it",
    "that's all i can think of",
    "nothing else",
    "nothing else to add",
    "nothing more",
    "nothing more to add",
    "nothing to add",
    "i have nothing to add",
    "i don't have anything to add",
    "i don't have anything else",
    "nothing further",
    "no more",
)  # not "I'm good": in real interviews it answers "how are you?" (benchmarks/requests.py)
# Courtesies and acknowledgements: alone, they take in what was said ("Okay, thanks.") and
# close nothing.
COURTESIES: tuple[str, ...] = (
    "thank you",
    "thanks",
    "got it",
    "i see",
    "makes sense",
    "that makes sense",
    "understood",
    "cool",
    "perfect",
    "great",
)
# Words that come with those without adding anything: "No, I think that's all for now, thanks."
_AROUND_CLOSING = frozenset(
    """i think guess suppose and then for now just really pretty much very so all from me
    a lot""".split()
)
# Taking an offer ("shall we move on?"): the whole turn is one of these.
ASSENT_WORDS = frozenset(
    """yes yeah yep yup sure okay ok alright fine please sounds good lets let's do that go
    ahead absolutely definitely right move on makes sense i think works for me""".split()
)
# Declining it, to go on: "No, let me give it another go."
DECLINE_WORDS = frozenset(
    """no nope not yet let me i i'll i'd like to want keep going try again give it another go
    shot one more time think about have a""".split()
)


def _phrase_rx(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Phrases matched on :func:`bare_words` ("that's" and "thats" alike), longest first."""
    bare = sorted({" ".join(bare_words(p)) for p in phrases}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in bare) + r")\b")


_HAND_BACK = _phrase_rx(HAND_BACKS)
_COURTESY = _phrase_rx(COURTESIES)
_FILL = TURN_STARTERS | HESITATION_WORDS | _AROUND_CLOSING


def _reading(sentence: str) -> tuple[bool, bool]:
    """(only hand-backs, courtesies and fill; a hand-back among them)."""
    said = " ".join(bare_words(sentence))
    without_hand_back = _HAND_BACK.sub(" ", said)
    rest = _COURTESY.sub(" ", without_hand_back).split()
    only = bool(said) and all(w in _FILL for w in rest) and rest != said.split()
    return only, without_hand_back != said


def courtesy_or_closing(text: str) -> bool:
    """Whether a phrase is only a courtesy, or holds a hand-back, a thank-you or a vague
    extender ("got it", "that's my answer", "thanks", "stuff like that"): a follow-up never
    quotes it. "We had a great turnout" is none of these."""
    said = " ".join(bare_words(text))
    return (
        _reading(text)[0]
        or bool(_HAND_BACK.search(said) or VAGUE_PHRASES.search(text))
        or bool(re.search(r"\b(thank you|thanks)\b", said))
    )


def closes_turn(text: str) -> bool:
    """Only a hand-back, maybe with a courtesy: "I think that's my answer.", "No, that's all,
    thank you." The question is closed; there is nothing in it to ask "why" about."""
    read = [_reading(s) for s in sentences(text)]
    return bool(read) and all(only for only, _ in read) and any(back for _, back in read)


def acknowledges(text: str) -> bool:
    """Only a courtesy or an acknowledgement: "Okay, thanks.", "Got it." Nothing to probe,
    and nothing closed."""
    read = [_reading(s) for s in sentences(text)]
    return bool(read) and all(only and not back for only, back in read)


def without_closing(text: str) -> str:
    """The turn without its sentences that only close or acknowledge: what a follow-up may
    quote ("I'd use X. That's my answer." -> "I'd use X.")."""
    kept = [s for s in sentences(text) if not _reading(s)[0]]
    return " ".join(kept) if kept else text.strip()


# Words that turn a question to the interviewer's own side, their team and their work: "how
# does your team measure models in production?" is not about the problem's scenario.
INTERVIEWERS_SIDE: tuple[str, ...] = (
    "your team",
    "your teams",
    "your team's",
    "you guys",
    "you folks",
    "you all",
    "your group",
    "your org",
    "your organisation",
    "your organization",
    "your engineers",
    "your engineering",
    "your stack",
    "your tooling",
    "your day to day",
    "your role",
    "your culture",
    "you personally",
    "work here",
    "working here",
    "the team here",
)
_INTERVIEWERS_SIDE = _phrase_rx(INTERVIEWERS_SIDE)


def asks_interviewers_side(text: str) -> bool:
    """A question in the turn is put to the interviewer about their own team or work."""
    return any(
        is_question(s) and _INTERVIEWERS_SIDE.search(" ".join(bare_words(s)))
        for s in sentences(text)
    )


def _only_words(text: str, allowed: frozenset[str]) -> bool:
    said = words(text)
    return bool(said) and all(w in allowed or w.replace("'", "") in allowed for w in said)


def takes_offer(text: str) -> bool:
    """ "Yes, sure.", "Okay, let's do that.": the whole turn agrees."""
    return _only_words(text, ASSENT_WORDS | HESITATION_WORDS)


def declines_offer(text: str) -> bool:
    """ "No, let me try again.": the whole turn declines, to go on."""
    return _only_words(text, DECLINE_WORDS | HESITATION_WORDS) and not takes_offer(text)


# --- code: running it and testing it ----------------------------------------------------

# "/run" typed, or "run the tests", "let me run it", "can I run my code", "run the solution".
_RUN = re.compile(
    r"^\s*/run\b|\b(?:run|execute|rerun|re-run)\s+(?:the\s+|my\s+|these\s+|your\s+)?"
    r"(?:hidden\s+)?(?:tests?|code|it|solution|function|file)\b",
    re.IGNORECASE,
)
# Walking through an input by hand: "for example", "if the input is", "let's trace".
_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|e\.g\.|let'?s (?:say|trace|try|walk)|say we have"
    r"|if the inputs? (?:is|are|were)|walk(?:ing)? through|trace (?:it|through)|dry run"
    r"|take the (?:input|list|example))\b"
    r"|\[[-\d.,\s]+\]",  # a literal list such as [1, 0, 1]
    re.IGNORECASE,
)
# Named edge cases: each pattern is one distinct case, so naming the same twice counts once.
EDGE_CASES: dict[str, re.Pattern[str]] = {
    "empty input": re.compile(r"\bempty\b|\bno (?:elements|items|values|points|input)\b", re.I),
    "edge cases": re.compile(r"\bedge[- ]cases?\b|\bcorner[- ]cases?\b", re.I),
    "zero / division": re.compile(r"\bdivi(?:de|sion) by zero\b|\bzero denominator", re.I),
    "single element": re.compile(r"\b(?:single|one) (?:element|item|value|node|point)\b", re.I),
    "duplicates / ties": re.compile(r"\bduplicates?\b|\bties?\b|\btied\b|\brepeated\b", re.I),
    "negative values": re.compile(r"\bnegative (?:numbers?|values?|logits?)\b", re.I),
    "mismatched lengths": re.compile(r"\bdiffer(?:ent)? lengths?\b|\blength mismatch\b", re.I),
    "large input": re.compile(r"\b(?:large|huge|big) (?:inputs?|values?|logits?|numbers?)\b", re.I),
    "no positives": re.compile(
        r"\bno (?:positives?|relevant|solution|pair)\b|\ball zeros?\b", re.I
    ),
    "invalid input": re.compile(r"\binvalid (?:input|index|target)\b|\bout of range\b", re.I),
}


def asks_to_run(text: str) -> bool:
    return bool(_RUN.search(text))


def example_spans(text: str) -> list[tuple[int, int]]:
    """Where the candidate walks through a concrete input."""
    return [m.span() for m in _EXAMPLE.finditer(text)]


def edge_cases(text: str) -> dict[str, tuple[int, int]]:
    """Distinct edge cases named in the text, each with the span of its first mention."""
    found = {}
    for name, pattern in EDGE_CASES.items():
        match = pattern.search(text)
        if match:
            found[name] = match.span()
    return found


def talks_about_testing(text: str) -> bool:
    return bool(example_spans(text) or edge_cases(text))


# "I'd test it with ...", "try amount zero", "what about an empty list?": a check proposed.
_TEST_INTENT = re.compile(
    r"\b(?:test|tests|testing|tested|try|trying|check|checking|verify|assert|make sure"
    r"|what if|what about|sanity)\b",
    re.IGNORECASE,
)


def proposes_a_test(text: str) -> bool:
    """Whether the text proposes checking the code on something, not only names a case:
    "touching intervals got merged" tells what the failing test showed."""
    return bool(_TEST_INTENT.search(text) or example_spans(text))
