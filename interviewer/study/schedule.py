"""A dated schedule from the grid: the weakest round first, rest days, full loops at the end.

Each round's *need* blends what the candidate says (confidence 1-5) with what the grader
measured (mean latest score 1-4); a job description then scales it by the round's share of
the job. The guide's shape (``study/guide.yaml``): the weakest round gets the first block of
practice days (the whole first week), the other rounds follow weakest first with days in
proportion to their need, one day in seven is a rest day, and the final days are full loops.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel

from ..catalog.rounds import DEFAULT_LOOP
from ..errors import ConfigError
from ..session.models import utc_now
from .guide import Guide
from .store import PlanEntry, Schedule

DEFAULT_NEED = 0.5  # neither a confidence nor a measured score: assume the middle


class RoundNeed(BaseModel):
    round: str
    confidence: int | None = None
    measured: float | None = None
    job_share: float | None = None
    need: float
    priority: float


def round_needs(
    rounds: list[str],
    confidence: dict[str, int],
    measured: dict[str, float],
    job_weights: dict[str, float] | None = None,
) -> list[RoundNeed]:
    """Every round's need (0 = nothing to do, 1 = everything), weakest first."""
    out: list[RoundNeed] = []
    for r in rounds:
        gaps = []
        if r in confidence:
            gaps.append((5 - confidence[r]) / 4)
        if r in measured:
            gaps.append((4 - measured[r]) / 3)
        need = sum(gaps) / len(gaps) if gaps else DEFAULT_NEED
        share = job_weights.get(r, 0.0) if job_weights else None
        # An even share of the job leaves the need as it is; a round the job does not name
        # at all keeps half of it (it is still in the loop), a dominant one up to 1 + n/2.
        multiplier = 0.5 + 0.5 * share * len(rounds) if share is not None else 1.0
        out.append(
            RoundNeed(
                round=r,
                confidence=confidence.get(r),
                measured=measured.get(r),
                job_share=share,
                need=round(need, 3),
                priority=round(need * multiplier, 3),
            )
        )
    out.sort(key=lambda n: (-n.priority, rounds.index(n.round)))
    return out


def _share_days(days: int, needs: list[RoundNeed]) -> dict[str, int]:
    """``days`` split in proportion to priority, at least one per round while days last
    (largest remainder, ties to the weaker round)."""
    if days <= 0 or not needs:
        return {}
    chosen = needs[:days]
    alloc = {n.round: 1 for n in chosen}
    left = days - len(chosen)
    total = sum(max(n.priority, 1e-6) for n in chosen)
    exact = {n.round: left * max(n.priority, 1e-6) / total for n in chosen}
    for r, x in exact.items():
        alloc[r] += int(x)
    remainder = days - sum(alloc.values())
    by_fraction = sorted(chosen, key=lambda n: -(exact[n.round] - int(exact[n.round])))
    for n in by_fraction[:remainder]:
        alloc[n.round] += 1
    return alloc


def build_schedule(
    needs: list[RoundNeed],
    start: date,
    end: date,
    guide: Guide,
    focus: dict[str, list[str]] | None = None,
    topics: dict[str, list[str]] | None = None,
) -> Schedule:
    """The dated plan from ``start`` to ``end`` inclusive. ``focus`` names the weakest
    dimensions of each round, ``topics`` the job's topics per round."""
    days = (end - start).days + 1
    if days < 1:
        raise ConfigError(f"the plan would end ({end}) before it starts ({start})")
    focus = focus or {}
    topics = topics or {}
    loops = min(guide.loops_for(days), max(days - 1, 1) if days > 1 else 1)
    kinds: list[str] = []
    for i in range(days):
        if i >= days - loops:
            kinds.append("loop")
        elif days >= 5 and (i + 1) % guide.rest_every_days == 0:
            kinds.append("rest")
        else:
            kinds.append("practice")
    practice_days = kinds.count("practice")
    order: list[str] = []
    if needs and practice_days:
        weakest = needs[0]
        first = min(guide.first_block_days, practice_days)
        if practice_days - first >= len(needs) - 1:
            alloc = _share_days(practice_days - first, needs)
            alloc[weakest.round] = alloc.get(weakest.round, 0) + first
        else:
            alloc = _share_days(practice_days, needs)
        for n in needs:
            order.extend([n.round] * alloc.get(n.round, 0))
    entries: list[PlanEntry] = []
    loop_rounds = [r for r in DEFAULT_LOOP if any(n.round == r for n in needs)]
    queue = iter(order)
    for i, kind in enumerate(kinds):
        day = start + timedelta(days=i)
        if kind == "rest":
            entries.append(PlanEntry(day=day, kind="rest", focus="Rest: no practice today."))
        elif kind == "loop":
            entries.append(
                PlanEntry(
                    day=day,
                    kind="loop",
                    rounds=loop_rounds,
                    focus=f"A full mock loop under time pressure, {guide.round_minutes:g} "
                    "minutes a round.",
                )
            )
        else:
            r = next(queue)
            text = guide.rounds.get(r, "")
            if focus.get(r):
                text = (text + " Work on: " + ", ".join(focus[r]) + ".").strip()
            entries.append(
                PlanEntry(
                    day=day, kind="practice", rounds=[r], focus=text, topics=topics.get(r, [])[:4]
                )
            )
    return Schedule(
        created_at=utc_now(),
        start=start,
        end=end,
        weakest=needs[0].round if needs else None,
        entries=entries,
    )
