"""Follow-ups on real-sounding answers: the off-topic check knows the round, the fallback quotes
words that carry content and asks what fits, drafted probes that make sense are kept.

The answers here are written for these tests in the style of real behavioural answers (run-on
stories with fillers, as a recogniser writes them); the real ones are read from ../shared,
when it is there, by the last tests and by benchmarks/followups.py.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from cli_helpers import run_cli
from interview_helpers import ScriptedBackend
from shared_data import REPO_ROOT

from interviewer import speech_acts
from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.interview.policy.decisions import ProbeDraft
from interviewer.interview.policy.off_topic import (
    REDIRECT_REASON,
    other_topic,
    redirect_line,
)
from interviewer.interview.policy.probes import (
    content_phrase,
    fallback_probe,
    given_method,
    naming_words,
    probe_focus,
    read_probe,
    validate_probe,
)
from interviewer.interview.policy.prompts import probe_system_prompt
from interviewer.session import load_session

MIT = REPO_ROOT.parent / "shared" / "data" / "interviews-mit"

# Stories in the shape of real ones: fillers, hedges, run-on clauses, a club or a class.
SORORITY = (
    "Umm so I think this past year my biggest priority has been my position as treasurer of "
    "the robotics club, where I had to raise the money for our competition trip, and, um, I "
    "went around to local companies and asked them to sponsor us."
)
CHAIR = (
    "I think a very recent example is I am going to be chair of the dance marathon committee, "
    "and last spring I recruited twelve volunteers and set up the schedule for the whole day."
)
FUNDRAISER = (
    "Well, one of the things we have to do for the summer camp is, uh, fundraise all the "
    "money to run the camp, so I organised a letter writing night where every counsellor "
    "wrote to ten families, and we raised about four thousand dollars that way."
)
LAB = (
    "Um, in our laboratory classes in the physics department we generally work in pairs, and "
    "my partner kept missing the sessions, so I talked to him after class and we split the "
    "write-up so that each of us owned one experiment."
)
SAMPLES = [SORORITY, CHAIR, FUNDRAISER, LAB]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _policy(question, replies):
    backend = ScriptedBackend(replies)
    policy = InterviewerPolicy(backend, load_catalog().persona("ada"))
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    return backend, policy, state


# --- the off-topic check ----------------------------------------------------------------------


@pytest.mark.parametrize("answer", SAMPLES)
@pytest.mark.parametrize("question_id", ["bh-influence-without-authority", "bh-disagreement"])
def test_a_story_told_loosely_is_not_off_the_question(catalog, question_id, answer):
    assert other_topic(catalog.question(question_id), answer, catalog) is None


def test_money_in_a_story_is_not_payment_fraud(catalog):
    """Only the round's own questions are compared: a fundraiser never reads as fraud."""
    money = (
        "I handled the payments for the club, every card payment and every transaction, and I "
        "checked each one for fraud because a fraudulent chargeback had cost us before."
    )
    rival = other_topic(catalog.question("bh-influence-without-authority"), money, catalog)
    assert rival is None or rival.round == "behavioural"


def test_a_technical_reason_inside_a_story_stays_on_the_question(catalog):
    """A reason about models, given under a behavioural question, is part of the story: it
    is never 'about' a design question of another round."""
    question = catalog.question("bh-production-failure")
    reason = (
        "A bigger model would not have helped, because the error came from the holiday "
        "calendar feature being shifted by a day in the pipeline, so the spam of bad forecasts "
        "was a data problem, and retraining a larger network on the same shifted feature "
        "would have learned the same mistake."
    )
    assert other_topic(question, reason, catalog) is None


def test_an_answer_about_another_question_of_the_round_is_steered_back(catalog):
    question = catalog.question("bh-production-failure")
    other = (
        "Honestly the best example is when I disagreed with my manager in a design review, we "
        "escalated it, ran an experiment, and reached a compromise the stakeholders accepted."
    )
    backend, policy, state = _policy(question, [])
    decision = policy.decide(state, other, 30)
    assert decision.act == "hint" and backend.requests == []
    assert decision.reason.startswith(REDIRECT_REASON)
    assert decision.say.startswith("Let's come back to the question. I was asking about a time")
    assert "something you built failed in production" in decision.say
    # Never another bank question's title.
    titles = [q.title.lower() for b in catalog.banks.values() for q in b.questions]
    assert not [t for t in titles if t in decision.say.lower()]


def test_the_redirect_says_what_was_asked_in_the_question_s_words(catalog):
    said = redirect_line(catalog.question("bh-mentoring"))
    assert "I was asking about a time you helped a less experienced engineer grow." in said
    scenario = catalog.question("sd-feed-ranking")  # opens with its scenario: said as it is
    assert redirect_line(scenario).endswith(scenario.prompt.strip())


# --- the fallback -----------------------------------------------------------------------------


@pytest.mark.parametrize("answer", SAMPLES)
def test_the_fallback_quotes_content_never_a_filler_or_a_fragment(answer):
    target, question = fallback_probe(answer, story=True)
    assert target and f'"{target}"' in question
    assert not speech_acts.opens_with_filler(target)
    last = speech_acts.bare_words(target)[-1]
    assert last not in speech_acts.OPEN_WORDS and last not in {"without", "the", "to", "of"}
    assert len(naming_words(target)) >= 2
    assert target in answer  # the candidate's own words, verbatim


def test_the_fallback_never_quotes_a_courtesy():
    said = "Thank you, that's a good question. Um, so last year I ran the campus food drive."
    target, _ = fallback_probe(said, story=True)
    assert "thank" not in target.lower() and "question" not in target.lower()
    assert "food drive" in target


@pytest.mark.parametrize(
    ("answer", "opening"),
    [
        (FUNDRAISER, "You mentioned"),  # a story: what did you do
        ("It is fast enough for the 150 millisecond budget.", "What makes it fast enough"),
        ("I would use gradient boosted trees for the churn model.", "You said you'd use"),
    ],
)
def test_the_fallback_asks_what_fits_what_was_said(answer, opening):
    _, question = fallback_probe(answer)
    assert question.startswith(opening)
    if opening == "You mentioned":
        assert "What did you do yourself" in question
    assert ("Why that" in question) == opening.startswith("You said you'd")


def test_a_hedged_opening_is_skipped_for_the_words_after_it():
    assert content_phrase("Umm so I think this past year the robotics club lost its sponsor")
    phrase = content_phrase("I am going to be chair of the dance marathon committee")
    assert phrase.startswith("chair of the dance marathon committee")


def test_a_quote_keeps_the_particle_of_its_verb():
    """From a practice session by voice: "the same patient shows" was quoted, without "up"."""
    answer = "A random split means the same patient shows up in both training and validation."
    assert content_phrase(answer).endswith("shows up")


def test_nothing_quotable_gets_a_plain_question():
    target, question = fallback_probe("Um, yeah, so, I mean, that's about it.", story=True)
    assert target == "" and question.endswith("?") and '"' not in question


# --- drafted probes that make sense are kept --------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "What did you do yourself to recruit the twelve volunteers",
        "How did you know the schedule for the whole day worked",
        "Why did you decide to recruit twelve volunteers",
        "Sure! What did you learn from running the dance marathon",
        "Based on the schedule you set up, what made the day run",
        "How did you decide to recruit the volunteers",
        '{"question": "What would you do differently with the volunteers next time?"}',
    ],
)
def test_behavioural_follow_ups_are_read_and_pass(catalog, reply):
    draft = read_probe(reply)
    assert draft is not None, reply
    question = catalog.question("bh-influence-without-authority")
    assert validate_probe(draft, CHAIR, question, []) == []


@pytest.mark.parametrize(
    "probe",
    [
        "What did you do in that situation?",  # names nothing of theirs
        "Why did you choose a blockchain for the schedule?",  # puts a choice in their mouth
    ],
)
def test_probes_that_name_nothing_they_said_are_still_rejected(catalog, probe):
    question = catalog.question("bh-disagreement")
    said = "The schedule was a mess and the volunteers were unhappy about it."
    assert validate_probe(ProbeDraft(question=probe), said, question, [])


def test_the_round_s_kinds_of_follow_up_reach_the_model(catalog):
    question = catalog.question("bh-mentoring")
    prompt = probe_system_prompt(catalog.persona_for_round("behavioural"), question)
    for kind in catalog.bank("behavioural").follow_ups:
        assert kind.kind in prompt and kind.example in prompt
    design = catalog.question("sd-fraud-payments")
    assert "trade-off" in probe_system_prompt(catalog.persona_for_round(design.round), design)


def test_a_behavioural_probe_from_the_model_is_asked_as_written(catalog):
    question = catalog.question("bh-influence-without-authority")
    backend, policy, state = _policy(question, ["What did you do yourself to raise the money"])
    decision = policy.decide(state, SORORITY, 30)
    assert decision.source == "llm", decision.reason
    assert decision.say == "What did you do yourself to raise the money?"


# --- on the real answers (../shared) ----------------------------------------------------------


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "followups_bench", REPO_ROOT / "benchmarks" / "followups.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["followups_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_real_behavioural_answers_rules_only(tmp_path):
    """Every MIT answer through the policy's rules (no model: every probe is the fallback)."""
    if not (MIT / "transcripts.csv").is_file():
        pytest.skip(f"the MIT interviews are not at {MIT} (../shared is not beside this checkout)")
    out = tmp_path / "figures.json"
    assert _benchmark().main(["--mit", str(MIT), "--no-llm", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["answers"] >= 50
    assert figures["redirect_rate"] <= 0.05
    assert figures["filler_quote_rate"] == 0.0
    assert figures["answer_word_rate"] >= 0.8


# --- through the command line -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.llm
def test_practice_behavioural_text_asks_about_the_story(tmp_path):
    """`practice --round behavioural --text` with a loose, real-style story: the interviewer
    asks about the story (the model's probe or the fallback), never steers it away."""
    proc = run_cli(
        "practice",
        "--round",
        "behavioural",
        "--question",
        "bh-influence-without-authority",
        "--questions",
        "1",
        "--depth",
        "1",
        "--text",
        "--no-voice",
        "--out",
        str(tmp_path),
        stdin=CHAIR + "\n",  # then the end of input: the interview ends after the follow-up
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = [p for p in tmp_path.iterdir() if (p / "session.json").exists()]
    turns = load_session(folder).turns
    answer = next(i for i, t in enumerate(turns) if t.speaker == "candidate")
    follow_up = next(t for t in turns[answer:] if t.speaker == "interviewer")
    assert follow_up.act == "probe", follow_up
    assert "come back to the question" not in follow_up.text
    assert naming_words(follow_up.text) & naming_words(CHAIR)
    quoted = follow_up.text.split('"')[1:2]  # the fallback's quote, if it is one
    assert not (quoted and speech_acts.opens_with_filler(quoted[0]))


def test_a_why_the_answer_already_gave_is_rejected(catalog):
    """A practice session by voice: "my tech lead wanted to replace our gradient boosted
    ranking model with a deep learning model because he thought it would capture more of
    the user history" got "Why did your tech lead want to replace the gradient boosted
    ranking model with a deep learning model?". A why about the reason they gave is fine."""
    answer = (
        "Last year my tech lead wanted to replace our gradient boosted ranking model with a "
        "deep learning model because he thought it would capture more of the user history."
    )
    question = catalog.question("bh-disagreement")
    asked_again = ProbeDraft(
        question="Why did your tech lead want to replace the gradient boosted ranking model "
        "with a deep learning model?"
    )
    assert "they already said why" in " ".join(validate_probe(asked_again, answer, question))
    for deeper in (
        "Why did he think it would capture more of the user history?",
        "Why did your tech lead believe that a deep learning model would capture more of the "
        "user history?",  # names the clause before "because" too, but asks about the reason
    ):
        assert validate_probe(ProbeDraft(question=deeper), answer, question) == [], deeper


def test_what_they_said_they_do_not_know_is_not_asked_back(catalog):
    """A modelling round on the browser page, by voice: "I'm honestly not sure how I would
    prove the live feed matches the training data. I guess I would log ..." got "How would
    you prove that the live feed matches the training data?". Their attempt is what to ask
    about, and the one retry is pointed at it."""
    answer = (
        "I'm honestly not sure how I would prove the live feed matches the training data. I "
        "guess I would log the features at serving time and compare their distributions "
        "against the training snapshot, feature by feature."
    )
    question = catalog.question("md-data-leakage")
    asked_back = "How would you prove that the live feed matches the training data?"
    problems = validate_probe(ProbeDraft(question=asked_back), answer, question)
    assert "they said they don't know that" in " ".join(problems)
    focus = probe_focus(asked_back, answer)
    assert focus and not naming_words(focus) & {"prove", "feed", "matches"}, focus
    for about_the_try in (
        "How would you compare their distributions against the training snapshot?",
        "Why log the features at serving time?",
    ):
        assert validate_probe(ProbeDraft(question=about_the_try), answer, question) == []
    # In other words for the same thing: an ML system design round on the page, by voice.
    estimate = (
        "Honestly, I'm not sure how to handle the effect of the estimated self on the orders. "
        "I guess, if we show a longer time, fewer people order, so the data changes. Maybe I "
        "would log the shown estimate and keep a small random fold out to measure it."
    )
    eta = catalog.question("sd-eta-prediction")
    reworded = "How do you plan to account for the effect of the estimated self on order behavior?"
    assert "they said they don't know that" in " ".join(
        validate_probe(ProbeDraft(question=reworded), estimate, eta)
    )
    tried = "How would the random fold out measure the effect of the shown estimate?"
    assert validate_probe(ProbeDraft(question=tried), estimate, eta) == []
    # "I don't know," as a filler before a story admits nothing to ask back.
    story = (
        "I don't know, in history class we had a group project. I organised who wrote "
        "which part and we handed it in on time."
    )
    assert speech_acts.admitted_and_tried(story) == ("", "")


def _told_apart(question, answer: str, wrong: str, problem: str, right: str) -> None:
    """``wrong`` is rejected for ``problem``; ``right`` passes, about the same answer."""
    assert problem in " ".join(validate_probe(ProbeDraft(question=wrong), answer, question))
    assert validate_probe(ProbeDraft(question=right), answer, question) == []


def test_a_choice_they_argued_against_is_not_put_to_them(catalog):
    """The same session: "with a random split, the same patient shows up on both sides, ...
    I would split by patient" got "Why did you choose a random split for the dataset?"."""
    answer = (
        "Okay, with a random split, the same patient shows up on both sides, so the model can "
        "memorize patients, and 0.97 is suspiciously high for readmission, so my first "
        "suspect is leakage. I would split by patient and by time, train again, and see if "
        "the offline number drops."
    )
    _told_apart(
        catalog.question("md-data-leakage"),
        answer,
        "Why did you choose a random split for the dataset?",
        "they did not choose that",
        "Why would you split by patient and by time?",
    )
    # A choice said bare, with no "I", is still theirs.
    bare = "So, focal loss on the rare failures, then a threshold tuned for recall."
    picked = ProbeDraft(question="Why did you choose focal loss?")
    assert validate_probe(picked, bare, catalog.question("md-class-imbalance")) == []


def test_a_quote_never_ends_on_a_verb_that_needs_more():
    """The fallback quoted "last year my tech lead wanted" in a practice session by voice."""
    answer = (
        "Last year my tech lead wanted to replace our gradient boosted ranking model with a "
        "deep learning model."
    )
    assert not content_phrase(answer).endswith("wanted")


def test_an_action_someone_else_took_is_not_put_to_them(catalog):
    """A real (MIT) answer, "now it's merged with the Mechanical Engineering Department ...
    So I started it", got "Why did you decide to merge the Ocean Engineering Department with
    the Mechanical Engineering Department?". What they did themselves may still be asked."""
    answer = (
        "We had one about five years ago, but now it's merged with the Mechanical Engineering "
        "Department and when that happened the organization fell apart. So um, I, you know, "
        "restarted it and got a professor to sponsor us."
    )
    question = catalog.question("bh-influence-without-authority")
    _told_apart(
        question,
        answer,
        "Why did you decide to merge the department with Mechanical Engineering?",
        "they did not choose that",
        "Why did you decide to restart the organization?",
    )
    # An action said bare is theirs (an MIT answer: "... I will call this person. Split up
    # tasks etc.").
    bare = "I said you call this person and I will call this person. Split up tasks etc."
    split = ProbeDraft(question="How did you decide to split up tasks among the members?")
    assert validate_probe(split, bare, question) == []


def test_a_probe_about_their_own_opening_question_is_not_asked(catalog):
    """An ML system design round on the browser page, by voice: the candidate asked two
    questions, went on over the answer and designed; the model asked "How important is
    accuracy in terms of on-time delivery for your business?", their own question turned
    back on them. A question inside a story (quoted speech) is words of theirs as any."""
    answer = (
        "Okay, before I design anything, can I ask how many orders a day we handle, and what "
        "matters more to the business, being accurate on average, or not being late? Right. "
        "So, I would split the delivery time into stages. The food preparation time, the time "
        "for a courier to reach the restaurant, and drive to the customer."
    )
    _told_apart(
        catalog.question("sd-eta-prediction"),
        answer,
        "How important is accuracy in terms of on-time delivery for your business?",
        "their own question",
        "Why split the delivery time into stages?",
    )
    story = (
        "The representatives were angry: oh, you don't have our seats? So I took the blame "
        "and found them seats."
    )
    seats = ProbeDraft(question="Why did you take the blame for the seats?")
    assert validate_probe(seats, story, catalog.question("bh-disagreement")) == []


def test_a_reason_said_before_the_choice_is_a_reason_given(catalog):
    """The browser page by voice: "Because being late hurts much more than being early, I
    would not train on square error. I would use a quantile loss ..." got "Why did you choose
    the quantile loss over square error?"."""
    answer = (
        "Because being late hurts much more than being early, I would not train on square "
        "error. I would use a quantile loss at the 90th percentile."
    )
    _told_apart(
        catalog.question("sd-eta-prediction"),
        answer,
        "Why did you choose the quantile loss over square error?",
        "they already said why",
        "Why is being late so much worse than being early?",
    )


def test_a_way_already_given_is_not_asked_for_again(catalog):
    """The browser page by voice: "to measure it, I'd take a few hundred real questions,
    label whether each number is supported ..., and compare the unsupported rate" got "How
    would you measure the supported rate of the answers?". A real (MIT) answer, "we had to
    resolve the conflict by discussing different options", got "How did you resolve the
    conflict about the song?". The retry is pointed at the way they gave."""
    answer = (
        "Um, to measure it, I'd take a few hundred real questions, label whether each number "
        "is supported by the data, and compare the unsupported rate before and after."
    )
    asked = "How would you measure the supported rate of the answers?"
    _told_apart(
        catalog.question("lr-hallucination"),
        answer,
        asked,
        "they already said how",
        "Why a few hundred real questions rather than the 200-answer audit?",
    )
    assert probe_focus(asked, answer).startswith("take a few hundred real questions")
    song = (
        "So we had to resolve the conflict by discussing different options. We finally "
        "decided to sing the song in a future semester."
    )
    _told_apart(
        catalog.question("bh-disagreement"),
        song,
        "How did you resolve the conflict about the song?",
        "they already said how",
        "Which options did you discuss for the song?",
    )


def test_a_view_they_never_gave_is_not_put_to_them(catalog):
    """The page by voice, a modelling round: an answer showing why ROC AUC misleads at a
    base rate of 0.05% got "Why do you think ROC AUC is still useful in this case, despite
    the high false positive rate?"."""
    answer = (
        "So ROC AUC compares the true positive rate with the false positive rate, and neither "
        "of them depends on how rare the positive are, with 40 million accounts, and only "
        "20,000 abusive, even 1 % false positive rate flags 400,000 good accounts, which "
        "buries the real ones, I would look at precision at the threshold, and that "
        "precision at 2000, since that is what the reviewers can check."
    )
    _told_apart(
        catalog.question("md-metrics-imbalance"),
        answer,
        "Why do you think ROC AUC is still useful in this case, despite the high false "
        "positive rate?",
        "they did not say that",
        "How would you choose the threshold for precision at 2000?",
    )


def test_how_to_check_it_is_said_by_a_plan_to_test_it(catalog):
    """The page by voice: "I'm not sure how much a smaller model would lose on quality here.
    I would try a distilled model on the six hundred evaluation questions, compare it with the
    current one ..." got "How would you measure the quality of the answers generated by the
    smaller model compared to the current model?"."""
    answer = (
        "Honestly, I'm not sure how much a smaller model would lose on quality here. I would "
        "try to still model on the six hundred evaluation questions, compare it with the "
        "current one, and only switch if the answer stays good."
    )
    _told_apart(
        catalog.question("lr-rag-latency-cost"),
        answer,
        "How would you measure the quality of the answers generated by the smaller model "
        "compared to the current model?",
        "they already said how",
        "Why six hundred evaluation questions rather than live traffic?",
    )


def test_how_a_case_is_handled_is_said_by_what_comes_of_it(catalog):
    """The page by voice, a coding round: "And I'd also test the amount 0, which needs 0
    coins, and an amount that cannot be made, which should return minus 1." got "How do you
    handle the case where the amount is 0?". A case they did not say what comes of stays."""
    answer = (
        "And I'd also test the amount 0, which needs 0 coins, and an amount that cannot be "
        "made, which should return minus 1."
    )
    _told_apart(
        catalog.question("cd-coin-change"),
        answer,
        "How do you handle the case where the amount is 0?",
        "they already said how",
        "How would you handle duplicate coins in the amount 0 test?",
    )
    # The second run's model asked it of their code.
    asked = "How does the function handle the case where the amount is 0?"
    assert given_method(asked, answer).startswith("needs 0 coins")


def test_a_strong_point_asked_in_other_forms_of_its_words_gives_it_away(catalog):
    """The page by voice, a prioritisation story: after "I told the marketing lead that the
    model would have to wait a month", the model's last follow-up was the bank's own strong
    point as a question ("Shows how they communicated trade-offs and said no or not yet");
    "communicate" and "communicated" are one word to the check."""
    answer = (
        "Three teams asked for work in the same week. I ranked the requests by impact and "
        "urgency, fixed the fraud alert first, and I told the marketing lead that the model "
        "would have to wait a month."
    )
    _told_apart(
        catalog.question("bh-prioritisation"),
        answer,
        "How did you communicate the trade-offs and say no or not yet to the marketing lead?",
        "gives away a point",
        "How did the marketing lead take the month's wait?",
    )


def test_a_cost_just_given_is_not_asked_for(catalog):
    """The page by voice, a coding round: "... sorting makes it n log n" got "How does the
    sorting process affect the time complexity of the algorithm?"."""
    answer = (
        "Okay, so I'll sort by start time, then walk through once, and if the next interval "
        "starts before the current end, I extend the end, otherwise I start a new merged "
        "interval, sorting makes it n log n."
    )
    _told_apart(
        catalog.question("cd-merge-intervals"),
        answer,
        "How does the sorting process affect the time complexity of the algorithm?",
        "already gave that cost",
        "What happens to a nested interval when you extend the end?",
    )
