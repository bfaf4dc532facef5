"""The substance dimension: strong points in the candidate's own sentences, quoted verbatim."""

from __future__ import annotations

from interviewer.catalog.personas import load_catalog
from interviewer.grading import grade_session
from interviewer.grading.transcript import parse_text_transcript
from interviewer.session.models import Session, Turn


def _session(question_id: str, answer: str) -> Session:
    q = load_catalog().question(question_id)
    return Session(
        id="s",
        rounds=[q.round],
        turns=[
            Turn(
                index=0,
                speaker="interviewer",
                text=q.prompt,
                start=0,
                end=5,
                round=q.round,
                question_id=q.id,
                act="ask",
            ),
            Turn(index=1, speaker="candidate", text=answer, start=6, end=60, round=q.round),
        ],
        complete=True,
    )


def _line(asked: Turn, index: int, act: str, text: str, start: float) -> Turn:
    """An interviewer line about the question ``asked``."""
    return Turn(
        index=index,
        speaker="interviewer",
        text=text,
        start=start,
        end=start + 1,
        round=asked.round,
        question_id=asked.question_id,
        act=act,  # type: ignore[arg-type]
    )


GOOD_FRAUD = (
    "I'd treat it as a decision with three outcomes, approve, review or decline, with "
    "thresholds set from the dollar cost of fraud and the review team's capacity. Fraud is "
    "rare, so accuracy is useless and I'd measure precision and recall at a fixed false "
    "decline rate. Labels arrive late because chargebacks take weeks, so I'd split by time. "
    "Blocked payments never get labels, so I'd keep a small random holdout."
)


def test_points_are_quoted_verbatim_from_the_answer() -> None:
    card = grade_session(_session("sd-fraud-payments", GOOD_FRAUD))
    dim = card.dimensions["substance"]
    assert dim.score is not None and dim.score >= 3
    points = [e for e in dim.evidence if e.kind.startswith("strong point")]
    assert len(points) >= 3
    assert all(e.quote in GOOD_FRAUD and e.turn == 1 for e in points)
    assert any("read in meaning" in note for note in card.notes)  # the method is said


def test_a_keyword_list_an_answer_elsewhere_and_i_dont_know_score_1() -> None:
    twins = [
        "Two-tower, embeddings, ranking, cold start, position bias, A/B test, NDCG, feature "
        "store. I'd use the standard architecture.",
        "I'd build a recommender with two-tower user and item embeddings, a nearest neighbour "
        "index for candidate generation, then a ranking model trained on watch completion.",
        "I don't know. I'm not sure how I would do that. I don't know, maybe a model.",
    ]
    for twin in twins:
        card = grade_session(_session("sd-fraud-payments", twin))
        assert card.dimensions["substance"].score == 1, twin
        assert card.overall is not None and card.overall < 2.5  # never Solid


def test_one_sentence_makes_one_point() -> None:
    stuffed = (
        "I would frame it as approve review decline with thresholds from dollar costs, fix class "
        "imbalance and label delay with time splits, use velocity features in a feature store, "
        "gradient boosted trees with reason codes, and monitor adversarial drift."
    )
    card = grade_session(_session("sd-fraud-payments", stuffed))
    points = [e for e in card.dimensions["substance"].evidence if e.kind.startswith("strong")]
    assert len(points) <= 1


def test_a_contradicted_reference_fact_is_cited() -> None:
    answer = GOOD_FRAUD + " In the end I'd just measure accuracy on a random split, that is fine."
    card = grade_session(_session("sd-fraud-payments", answer))
    dim = card.dimensions["substance"]
    assert any(e.kind.startswith("contradicts") for e in dim.evidence)
    assert dim.score is not None and dim.score < 4


def test_a_question_outside_the_bank_is_not_read_for_strong_points() -> None:
    text = (
        "# round: behavioural\nInterviewer: What's your favourite colour and why?\n"
        "Candidate: Blue, because it reminds me of the sea where I grew up."
    )
    dim = grade_session(parse_text_transcript(text, "t")).dimensions["substance"]
    assert dim.score is None and "not in the question bank" in (dim.not_observed_reason or "")


def test_an_answer_across_an_acknowledgement_and_a_probe_is_read_as_one() -> None:
    """Live, a slow follow-up comes after an acknowledgement ("Right, three outcomes."); the
    answer before it and the answer to the probe are one question's, read together."""
    first, second = GOOD_FRAUD.split(" Labels arrive late")
    session = _session("sd-fraud-payments", first)
    q = session.turns[0]
    session.turns += [
        _line(q, 2, "acknowledge", "Right, three outcomes.", 61),
        _line(q, 3, "probe", "Why split by time?", 62),
        Turn(index=4, speaker="candidate", text="Labels arrive late" + second, start=65, end=90),
    ]
    dim = grade_session(session).dimensions["substance"]
    assert dim.rationale.count("strong points made") == 1, dim.rationale  # one reading
    assert {e.turn for e in dim.evidence if e.kind.startswith("strong point")} == {1, 4}


def _points_made(question_id: str, said: str) -> tuple[list[str], str]:
    """The quotes of the strong points one answer makes, and the substance rationale."""
    dim = grade_session(_session(question_id, said)).dimensions["substance"]
    return [e.quote for e in dim.evidence if e.kind.startswith("strong point")], dim.rationale


def test_the_question_s_own_topic_words_do_not_make_an_explanation_a_list() -> None:
    """Words of the question itself ("video", "watch") run through several of its strong
    points: a sentence that uses them explains, it does not list terms. As transcribed from
    speech in a practice session, where it was once read as a list and made no point."""
    said = (
        "First, candidate generation, a two-tower model, where one-tower embeds the user from "
        "their recent watch history, and the other embeds each video, and I look up the "
        "nearest videos with an approximate nearest neighbour index."
    )
    made, why = _points_made("sd-recsys-video", said)
    assert len(made) == 1 and made[0] in said, why  # quotes are trimmed
    assert made[0].startswith("First, candidate generation")


def test_a_point_said_in_its_own_words_counts_when_nearly_close_in_meaning() -> None:
    """As transcribed in a practice session by voice: the online-monitoring point made in a
    sentence 0.44 from it in meaning (under the 0.55 that counts alone), with three of its
    own words (escalation, satisfaction, sample). A buzzword twin of it stays unmade."""
    said = (
        "After launch, I would track the share of conversation resolved without a human, the "
        "escalation rate and customer satisfaction, and the agent would review a random "
        "sample every week."
    )
    made, why = _points_made("lr-evaluating-generation", said)
    assert made == [said], why
    listed = "Escalations, satisfaction, sampling, monitoring, online metrics, dashboards."
    made, why = _points_made("lr-evaluating-generation", listed)
    assert made == [], why


def test_a_run_on_sentence_makes_each_point_its_clauses_make() -> None:
    """A modelling round by voice on the browser page: the recogniser gave the answer as one
    50-word comma-spliced sentence that makes two points, and its whole vector was close to
    neither ("0 of 6 strong points made"). Each point is now quoted by its own clauses."""
    said = (
        "Okay, with a random split, the same patient shows up on both sides, so the model can "
        "memorize patients, and 0.97 is suspiciously high for readmission, so my first suspect "
        "is leakage, I would split by patient, and by time, train again, and see if the "
        "offline number drops towards what we see in production."
    )
    made, why = _points_made("md-data-leakage", said)
    assert "2 of 6 strong points made" in why, why
    assert all(quote in said for quote in made)


def test_a_question_they_asked_makes_only_a_point_about_asking() -> None:
    """The browser page by voice: "can I ask ... what matters more to the business, being
    accurate on average or not being late?" was quoted as the point "Evaluates by error
    metrics plus the share of orders late versus the promise". A point about asking
    ("Clarifies k, ties and the expected output order") is still made by a question."""
    asked = (
        "Okay, before I design anything, can I ask how many orders a day we handle, and what "
        "matters more to the business, being accurate on average or not being late?"
    )
    said = (
        "Offline I would report mean absolute error, but also the share of orders that "
        "arrive after the promise, per city and per hour."
    )
    made, why = _points_made("sd-eta-prediction", f"{asked} {said}")
    assert asked not in made and said in made, why
    made, why = _points_made("sd-eta-prediction", asked)
    assert made == [], why
    clarified = (
        "Before I code, what is k, how are ties ordered, and what order should the output be in?"
    )
    made, why = _points_made("cd-top-k-frequent", clarified)
    assert made == [clarified], why


def test_a_story_of_a_technical_mistake_is_not_off_the_question() -> None:
    """The browser page by voice: a mistake in a feature pipeline "answers a different
    question (trees versus neural networks)", and substance fell to 1. A behavioural story
    may use any round's words; it is read for its points."""
    said = (
        "One that comes to mind is from my last internship. I shipped a change to the feature "
        "pipeline that filled missing values with zero instead of the mean, and the churn "
        "model's precision dropped by about 15% over a week. What I do differently now is, I "
        "add a data check to every pipeline change."
    )
    made, why = _points_made("bh-mistake", said)
    assert "different question" not in why and made, why


def test_a_mistake_story_is_read_for_whose_it_was_its_impact_and_how_it_was_found() -> None:
    """The same session: the candidate's own change, its impact with a number and how they
    found it were three criteria no checker read. A strength in disguise ("Because I'm a
    perfectionist") discovers nothing."""
    said = (
        "I shipped a change to the feature pipeline that filled missing values with zero. "
        "The churn model's precision dropped by about 15% over a week. I found it because I "
        "compared the feature distributions before and after the release."
    )
    made, why = _points_made("bh-mistake", said)
    assert "3 of 5" in why and len(made) == 3, why
    disguised = "Because I'm a perfectionist, which people say is my main weakness."
    made, why = _points_made("bh-mistake", disguised)
    assert made == [], why


def test_an_answer_that_makes_no_point_is_quoted_where_it_began() -> None:
    """Every score cites the candidate's words: with no point made (and off no other
    question), substance quotes where the answer began."""
    said = (
        "Right. And so, my fellow Americans, ask not what your country can do for you, ask "
        "what you can do for your country."
    )
    dim = grade_session(_session("bh-prioritisation", said)).dimensions["substance"]
    assert "0 of" in dim.rationale and "where the answer began" in dim.rationale
    assert [e.quote for e in dim.evidence] == [said.removeprefix("Right. ")]


def test_costs_said_in_words_make_the_point_that_states_them() -> None:
    """The page by voice, merging GPU bookings: "Merging is n log n time, and linear space
    for the output" scored complexity 4 while substance said "not made: states O(n log n)
    time and O(n) space" (no word of the point marks it; its cosine was 0.45)."""
    point = "States O(n log n) time and O(n) space"
    plan = (
        "I'll sort by start time, then walk through once, and extend the end of the last "
        "merged interval while the next one starts before it."
    )

    def made(costs: str) -> bool:
        card = grade_session(_session("cd-merge-intervals", f"{plan} {costs}"))
        cited = [e for e in card.dimensions["substance"].evidence if point in e.kind]
        assert all(e.quote in costs for e in cited)  # the sentence that states the costs
        return bool(cited)

    assert made("Merging is n log n time, and linear space for the output.")
    assert made("That's O of n log n because of the sort, and O(n) memory.")
    assert not made("Merging is n log n time.")  # no space cost
    assert not made("It takes one pass over n intervals and some space.")


def test_a_cost_is_heard_in_any_spoken_form() -> None:
    from interviewer.coding.complexity import point_costs, says_cost

    assert point_costs("States O(amount x coins) time and O(amount) space") == [
        ["amount", "coins"],
        ["amount"],
    ]
    assert point_costs("States O(n d) per epoch and discusses learning rate") == []
    assert point_costs("Sorts by start and merges in one pass") == []
    assert says_cost(["amount", "coins"], "it is amount times coins time")
    assert says_cost(["n", "2"], "the nested loops are n squared")
    assert says_cost(["1"], "and constant extra space")
    assert says_cost(["n", "log", "n"], "sorting makes it end log n")  # as the recogniser wrote it
    assert not says_cost(["1"], "in one pass")
    assert not says_cost(["n"], "we extend the end time")


def test_a_case_a_failing_run_showed_is_not_a_test_proposed() -> None:
    """The same session: "I used less than or equal, so touching intervals got merged" (what
    the failing run showed) made "Tests empty input, nested intervals and touching
    intervals"; proposing the checks makes it."""
    point = "Tests empty input, nested intervals and touching intervals"
    plan = "I'll sort by start time and merge in one pass, extending the end while they overlap."

    def made(said: str) -> bool:
        card = grade_session(_session("cd-merge-intervals", f"{plan} {said}"))
        return any(point in e.kind for e in card.dimensions["substance"].evidence)

    assert not made("I used less than or equal, so the touching intervals got merged.")
    assert made("I'd test it with an empty list, a nested interval and two touching intervals.")
