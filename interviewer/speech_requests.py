"""Requests a candidate makes of the interviewer, read from their words.

Beside the one reader of a candidate's sentence (``speech_acts.py``: what a sentence does in
an answer), this one reads what a turn asks of the interviewer itself. "Can you repeat the
question?", "can I take a moment?", "sorry, I meant X" are not about the scenario, so they
must never reach the scenario facts. Rules written on normalised text (lower case, no
punctuation, fillers and articles out, common mishearings mended) decide where the words
make it plain; a reading they are unsure of says so (``sure=False``), and the caller may ask
the embedded model (``interview/policy/requests_llm.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

RequestKind = Literal[
    "repeat",
    "rephrase",
    "think_time",
    "skip",
    "hint",
    "time_left",
    "right_track",
    "self_correction",
]
REQUEST_KINDS: tuple[str, ...] = get_args(RequestKind)
# Not a request kind the reader finds: the decider's name (in a reply's ``request``) for a
# question about the interviewer's own team, asked mid-question and kept for the end.
TEAM_QUESTION = "team_question"

# "like" is a filler except as a wish: "I'd like a moment", "would you like".
_FILLERS = re.compile(
    r"\b(?:um+|uh+|uhm|erm+|er|ah+|hmm+|mm+|oh|you know|(?<!'d )(?<!would )like)\b"
)
# Whisper's likely slips on these words (homophones, split words): mended before matching.
_MISHEARD = (
    (re.compile(r"\b(?:truck|trek|trak)\b"), "track"),
    (re.compile(r"\b(?:write|rite|wright)\b"), "right"),
    (re.compile(r"\b(?:re phrase|re-phrase|refrase|rephrased)\b"), "rephrase"),
    (re.compile(r"\b(?:re peat|we peat|repeats)\b"), "repeat"),
    (re.compile(r"\b(?:a gain|again again)\b"), "again"),
    (re.compile(r"\bhints\b"), "hint"),
    (re.compile(r"\b(?:sec|sek|seconds)\b"), "second"),
    (re.compile(r"\bminutes\b"), "minute"),
    (re.compile(r"\bmoments\b"), "moment"),
    (re.compile(r"\b(?:i m|im)\b"), "i'm"),
    (re.compile(r"\b(?:didnt|did not)\b"), "didn't"),
    (re.compile(r"\b(?:dont|do not)\b"), "don't"),
    (re.compile(r"\b(?:lets|let us)\b"), "let's"),
    (re.compile(r"\b(?:youre|you are)\b"), "you're"),
    (re.compile(r"\b(?:whats|what is)\b"), "what's"),
    (re.compile(r"\b(?:thats|that is)\b"), "that's"),
    (re.compile(r"\b(?:id|i would)\b"), "i'd"),
    (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bi mint\b"), "i meant"),
    (re.compile(r"\bquestions\b"), "question"),
    (re.compile(r"\b(two|four) (?=[a-z])(?!hundred|thousand|million|percent|of\b)"), "_\\1 "),
    (re.compile(r"\b_two\b"), "to"),
    (re.compile(r"\b_four\b"), "for"),
    (re.compile(r"\byour (?=asking|getting|looking|saying)"), "you're "),
    (re.compile(r"\bno\b(?= (?:what|where|how|if)\b)|(?<=want to )no\b"), "know"),
    (re.compile(r"\bwanna\b"), "want to"),
)
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_LEAD_IN = re.compile(r"^(?:(?:so|okay|ok|well|alright|right|and)\b ?)+")
_STOP = frozenset(
    """a an the and or but to of in on for with is are was were be i i'd i'm me my we us our
    you your it it's this that that's so then just please can could would will may might
    should shall do does did have has had get got okay ok alright right well sorry yes yeah
    no now here there if what's what how any some bit little about again one more time""".split()
)


def normalise(text: str) -> str:
    """Lower case, no punctuation, no fillers, stutters and common mishearings mended."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    t = re.sub(r"[^a-z0-9' ]+", " ", t)
    t = _FILLERS.sub(" ", t)
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\b(\w+)( \1\b)+", r"\1", t)  # "can can you" -> "can you"
    for pattern, fixed in _MISHEARD:
        t = pattern.sub(fixed, t)
    t = _ARTICLES.sub(" ", t)  # often dropped or misheard: the rules are written without them
    t = _LEAD_IN.sub("", re.sub(r"\s+", " ", t).strip())
    return t.strip()


def _rx(*parts: str) -> re.Pattern[str]:
    """One pattern of alternatives, written naturally; articles are taken out as normalise()
    takes them out of the text."""
    joined = "|".join(f"(?:{p})" for p in parts)
    return re.compile(re.sub(r"\b(?:the|an|a) ", "", joined))


_ASK = r"(?:can|could|would|will|may|might) (?:you|i|we)(?: please| maybe| just)?"
_TIME_UNIT = r"(?:moment|second|minute|beat|bit|while|few seconds|couple of seconds)"

# Taking back one's own words. Checked first: "sorry, I meant the test set" asks nothing.
_CORRECTION = _rx(
    r"\bsorry\b.{0,30}\bi (?:meant|mean|should have said|misspoke|said)\b",
    r"\bi meant\b",
    r"\bi misspoke\b",
    r"\b(?:scratch|strike) that\b",
    r"^correction\b|\bsorry correction\b|\bcorrection i\b",
    r"\blet me (?:correct|restate|rephrase) (?:myself|that|my answer|what i)\b",
    r"\blet me take that back\b",
    r"\bwhat i meant\b",
    r"\bi should have said\b",
    r"\bno wait\b|\bwait no\b",
    r"\bignore what i (?:just )?said\b",
    r"^(?:oh )?(?:my mistake|my bad)(?: i\b|$)",
    r"\bi (?:mixed|got) (?:those|them|that|it) (?:up|backwards|the wrong way)\b",
    r"\bslip of the tongue\b|\bwrong word\b",
    r"\bsorry that was wrong\b",
    r"\bi said \w+(?: \w+){0,3} (?:but )?i meant\b",
    r"^sorry not \w+",
)
_SKIP = _rx(
    rf"(?:{_ASK}|let's|shall we|should we|mind if we|i think we should|maybe we can|"
    r"i'd (?:rather|like to|prefer to)|happy to|we can|i'll)"
    r" (?:just )?(?:move on|go (?:on |ahead )?to the next|move to the next|jump to the next|"
    r"do the next|skip(?: this| it| ahead| to the next)?\b(?! the \w+ (?:store|model|stage))|"
    r"switch to another|try a different|leave (?:this|it)|come back to this|pass on|"
    r"park this|get a different|go on to the next|get the next|give me the next)",
    r"\bskip (?:this|it)(?: question| one| part)?(?: please)?$",
    r"^(?:okay |ok |so )?(?:skip|pass|next|moving on)(?: please)?$",
    r"\bnext (?:question|one|problem)(?: please)?$",
    r"\bpass on this\b|\bi'll pass\b|\bi'll skip this\b|\bi'd prefer to skip\b",
    r"\bleave it there and move on\b|\bpark this and move on\b",
    r"\bcan we move on\b|\bmove on\b$",
    r"\bcome back to (?:this|it) later\b",
)
_TIME_LEFT = _rx(
    r"\bhow (?:much|long)(?: more)? (?:time )?(?:do|have|did) (?:i|we)(?: still)? (?:have|got|get)"
    r"(?: left| remaining)?(?: for(?: this| that)?(?: question| part| one| round| interview)?)?$",
    r"\bhow (?:much|long) (?:time )?(?:is|have) (?:left|remaining|i got|we got)\b",
    r"\bhow (?:much )?(?:time|long) (?:is )?(?:left|remains|remaining)\b",
    r"\bhow many minute (?:are |do i have |do we have )?(?:left|remaining)?",
    r"\bhow many minute do (?:i|we) have\b",
    r"\bhow (?:much|long)(?: more)? (?:time )?(?:do|have) (?:i|we)(?: still)? (?:have|got)"
    r" (?:left )?for (?:this|that|question|part|round)",
    r"\bhow (?:much|long) (?:longer|more time)\b",
    r"\bhow (?:are|is) (?:we|it|things) (?:on|for|doing (?:on|for)) time\b",
    r"\bhow are we doing for time\b|\btime check\b",
    r"\b(?:are|am) (?:we|i) (?:running (?:out of|over)|close to|okay on|ok on|out of|over) time\b",
    r"\bam i (?:taking too long|going too slow|running over)\b",
    r"\bshould i (?:wrap up|speed up|move faster|finish up|keep it short|hurry)\b",
    r"\bis it time to wrap up\b",
    r"\b(?:do|have) (?:i|we)(?: still)? (?:have|got) (?:much |enough |a few |five |the )?"
    r"(?:time|minute)\b(?! (?:stamp|window|series|zone|budget|to (?:train|score|respond)))"
    r"(?: left)?(?: (?:to go|for me|to cover|to dive|to talk|to explain|to add))?",
    r"\b(?:is there|have i got|have we got) (?:still |enough |much )?(?:time|minute)\b"
    r"(?! (?:stamp|window|series|zone|budget))",
    r"\bhave (?:i|we) got (?:a few |five |much )?(?:minute|time)\b",
    r"\btime (?:budget|limit) (?:for|on) this\b|\bis there a time limit\b",
    r"\bhow long (?:is|until) (?:this|we|it)(?: question)?(?: supposed to take| move on)?\b",
    r"\bhow much (?:of the )?time (?:box )?(?:is left|have we used|have i used)\b",
)
_THINK = _rx(
    rf"\b(?:{_ASK}|let me|give me|i need|i'd like|i'm going to|mind if i|allow me|please give me|"
    rf"do you mind if i|is it okay if i|is it ok if i|would it be alright if i) (?:to )?"
    rf"(?:just )?(?:take|took|have|get|give me|think for|pause for)? ?(?:a|one|a few|a"
    rf" couple of|thirty|"
    rf"some|a little)? ?(?:more )?{_TIME_UNIT}",
    r"\blet me (?:just )?(?:think|gather|collect|mull|sit with|take a)\b",
    r"\b(?:gather|collect|organise|organize) my (?:thoughts|answer)\b",
    r"\bput my thoughts in order\b|\bbear with me\b",
    r"^(?:sorry |wait )?(?:one |just )(?:moment|second|minute)(?: please| here)?(?: let me\b"
    r"|$| while)",
    r"\bhold on\b|\bhang on\b",
    r"\bthink (?:for|about it for) a (?:bit|second|moment|minute)\b",
    r"\bjot down\b|\bpause for a (?:moment|second)\b",
    r"^thinking(?: give me| one| just|$)|\b(?:i )?need (?:a )?(?:moment|second|minute) to think\b",
    r"\ba moment to think\b|\btake a (?:second|minute|moment) (?:to|before)\b",
)
_REPEAT = _rx(
    rf"\b(?:{_ASK}|would you mind|mind) (?:repeat|repeating)"
    r"(?: that| it| the question| the problem(?: statement)?| the last(?: part| bit| sentence)?|"
    r" what you(?: just)? said| the second part| that last sentence| yourself)?"
    r"(?: for me| please| again| slowly)*$",
    r"\brepeat (?:that|it|the question|the last (?:part|bit|sentence)|the problem|"
    r"what you (?:just )?said|that last sentence|the second part)\b",
    r"^(?:sorry )?(?:could you |can you |please )?repeat(?: please)?$",
    r"\bsay (?:that|it|the question)(?: one more time| again| once more)\b|\bsay again\b",
    r"\bsay that one more time\b|\bcome again\b|\bpardon\b",
    r"\b(?:didn't|couldn't) (?:quite )?(?:catch|hear|get) (?:that|it|you|the question|what you)\b",
    r"\bdidn't (?:quite )?hear (?:you|the question|that)\b",
    r"\bmissed (?:that|what you|last|question|first|second|part)\b(?!.*\b(?:number|rate|fact)\b)",
    r"\bwhat (?:was|is) the (?:question|last bit|last part)(?: again)?\b",
    r"\bwhat were you asking(?: again)?\b|\bwhat did you (?:just )?(?:say|ask)\b",
    r"\b(?:read|give|get)(?: me)? (?:the question|it|that)(?: out| to me)? (?:again|one more time|"
    r"once more|back)\b",
    r"\bread (?:that|it) back\b|\bread it out again\b",
    r"\bhear the question again\b|\bone more time(?: please)?$|\bagain please$",
    r"\bremind me (?:of )?(?:what )?the question\b|\blost the question\b",
    r"^(?:sorry|i'm sorry|huh|what)(?: what)?$|\bwhat was that$",
    r"\bcut out\b|\baudio (?:dropped|cut)\b|\bzoned out\b",
    r"\bgo (?:back )?over the question\b|\bgo back to the question\b|\brestate the question\b",
    r"\brun that by me again\b|\bget the question again\b|\bthe question again\b",
)
_REPHRASE = _rx(
    r"\bwhat do you mean(?: by (?:that|this|it|why|that question|the question|the last question))?"
    r"(?: exactly| here| question)?$",
    r"\bwhat do you mean exactly\b|\bhow do you mean\b|\bmeaning what\b|^in what sense\b",
    rf"\b(?:{_ASK}|please) (?:rephrase|reword)\b|\brephrase(?: it| that| the question)?$",
    r"\b(?:rephrase|reword) (?:that|it|this|your question|the question|that question|"
    r"the last question|that last question)(?: for me| please)?$",
    r"\bput (?:that|it) (?:another|a different) way\b",
    r"\b(?:say|explain|phrase) (?:that|it) (?:in a different way|differently)\b",
    r"\bin simpler words\b|\bsimpler terms\b",
    r"\b(?:not sure i|don't|didn't|i'm not sure i|not sure if i) (?:understand|follow)"
    r"(?: the question| what you(?:'re)? (?:asking|getting at|mean)| that| it| you)?\b",
    r"\b(?:don't|didn't) get (?:the question|what you(?:'re)? (?:asking|getting at|mean)|"
    r"that|it|you)$",
    r"\bi'm not following\b|\bnot following\b|\bi don't follow\b|\bi'm (?:a bit )?(?:lost"
    r"|confused)\b",
    r"\bnot sure what you(?:'re)? (?:getting at|asking|mean)\b",
    r"\bwhat (?:are you|is it you(?:'re)?) (?:asking|getting at|looking for)\b",
    r"\bwhat you(?:'re)? (?:asking|getting at)\b",
    r"\b(?:explain|clarify|elaborate on|unpack|break down|make)(?: your| that| this)?"
    r"(?: last)? question\b",
    r"\bbreak the question down\b|\bquestion more concrete\b|\bquestion behind the question\b",
    r"\bare you asking (?:about|if|whether|for)\b",
    r"\bdo you mean (?:why|how|what|that)\b",
    r"\bwhat kind of answer\b|\bwhat exactly do you want me to\b|\bwhat is it you want\b",
    r"\bwhat(?:'s| is) it you want to know\b",
    r"\bclarify what you mean\b|\bsay what you mean\b|\bconfused by the question\b",
    r"\bnot sure what (?:that )?question means\b|\bexplain that differently\b",
    r"\bmore specific about what you\b|\bexplain what you(?:'re)? asking\b",
    r"\bexplain the question\b|\bwhat is it you want to know\b",
)
_HINT = _rx(
    rf"\b(?:{_ASK}|would you mind|is there|do you have)(?: get| have| give| giving| offer)?"
    r"(?: me)?(?: a| any| some| small| little| a small| a little)* "
    r"(?:hint|clue|pointer|tip|nudge)s?\b",
    r"^(?:any |a |some )?(?:hint|clue|pointer|tip)s?(?: please)?$",
    r"\bhint would be (?:great|good|nice|helpful)\b|\bhint please\b|\bi (?:need|could use) a"
    r" hint\b|\ba hint would\b|\bgive me a hint\b",
    r"\bwould a hint be\b|\bis there a hint\b|\bcan i have a clue\b",
    r"\bpoint me (?:in the right direction|somewhere|to)\b|\b(?:nudge|steer) me\b",
    r"\b(?:where|how) (?:should|would|do) (?:i|you) (?:start|begin)\b",
    r"\bwhat should i (?:be thinking about|look at)(?: here)?$",
    r"\bgood (?:place|first step)(?: to start| here)?\b|\bstarting point\b",
    r"\bwhere to (?:start|begin)\b|\bhelp me (?:out|get started|a little|with the first step)\b",
    r"\bhelp me get started\b|\bi'm (?:a bit )?stuck\b|\bwhat am i missing\b",
    r"\bwhat direction should i\b|\bsuggest an angle\b|\bwhat would you look at first\b",
    r"\bsomething to go on\b|\bany suggestions\b|\btips on how to approach\b",
    r"\bcan you help me\b(?: a little)?",
)
_RIGHT_TRACK = _rx(
    r"\b(?:am i|are we) (?:on|going|heading|thinking|getting)(?: about this)?"
    r"(?: in| down)? (?:the )?(?:right|wrong) (?:track|direction|path|lines|way)\b",
    r"\bon (?:the right )?track\b|\boff track\b|\bam i on the right\b",
    r"^(?:so )?(?:is|was) (?:this|that|my \w+) (?:what|the kind|the direction|along the lines|"
    r"the level of detail|the right (?:approach|direction|answer|idea)|a (?:good|sensible"
    r"|reasonable|"
    r"valid) (?:answer|approach|direction|start)|(?:right|correct|okay|ok|reasonable|fine|sensible)"
    r"(?: so far)?$|going where|heading|too (?:high|low|detailed|much|vague))",
    r"\bdoes (?:this|that) (?:make sense|sound (?:right|reasonable|okay|good|ok)|answer your"
    r" question"
    r"|seem (?:like )?(?:a good|right|reasonable|okay)|match what you)",
    r"\bam i (?:close|getting warmer|doing (?:ok|okay|alright|well|all right)|answering(?: your)?"
    r" question|missing something|overcomplicating|over complicating|going down|going in|heading|"
    r"thinking about this)",
    r"\bdo you think (?:that|this) works\b|\bwould (?:that|this) be (?:acceptable|okay|ok|fine)\b",
    r"\bwould you say that's right\b|\bshould i keep going\b|\bshould i go deeper\b",
    r"\btell me if i'm (?:off|on)\b|\bis my (?:approach|reasoning|answer) (?:okay|ok|sound"
    r"|right|fine|good)",
    r"\bwhat you (?:had in mind|were looking for|expected)$|\bwhat you're looking for$",
    r"\bis this (?:okay|ok|fine|good|right) so far\b|\bis that reasonable\b",
)
# (kind, pattern, how many other content words may come with it and still be the request)
_RULES: tuple[tuple[RequestKind, re.Pattern[str], int], ...] = (
    ("self_correction", _CORRECTION, 99),
    ("time_left", _TIME_LEFT, 6),
    ("skip", _SKIP, 6),
    ("repeat", _REPEAT, 8),
    ("rephrase", _REPHRASE, 8),
    ("think_time", _THINK, 4),
    ("hint", _HINT, 4),
    ("right_track", _RIGHT_TRACK, 8),
)
# Words that make a turn worth a second look by the model when no rule was sure.
_CUES = re.compile(
    r"\b(?:repeat|again|mean|meant|rephrase|moment|second|minute|think|skip|next|move on|hint|"
    r"clue|track|direction|sorry|wrong|time|stuck|sense|understand|follow)\b"
)
MAX_REQUEST_WORDS = 25  # longer turns are answers that may contain request-like words


@dataclass(frozen=True)
class RequestReading:
    """What a turn asks of the interviewer: ``kind`` None when it asks nothing of it."""

    kind: RequestKind | None
    sure: bool
    matched: str = ""  # the words the rule matched, for the session's reason


def content_count(text: str) -> int:
    return sum(1 for w in text.split() if w not in _STOP and len(w) > 1)


def read_request(text: str) -> RequestReading:
    """The request in a candidate's turn, by rules; unsure readings say so."""
    norm = normalise(text)
    if not norm:
        return RequestReading(None, sure=True)
    n_words = len(norm.split())
    for kind, pattern, allowance in _RULES:
        match = pattern.search(norm)
        if match is None:
            continue
        if kind == "self_correction":
            return RequestReading(kind, sure=True, matched=match.group(0))
        rest = norm[: match.start()] + " " + norm[match.end() :]
        if n_words <= MAX_REQUEST_WORDS and content_count(rest) <= allowance:
            return RequestReading(kind, sure=True, matched=match.group(0))
    if n_words <= 14 and _CUES.search(norm):
        return RequestReading(None, sure=False)
    return RequestReading(None, sure=True)
