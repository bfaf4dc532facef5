import math


def _dcg(grades, k):
    return sum((2**rel - 1) / math.log2(pos + 1) for pos, rel in enumerate(grades[:k], start=1))


def ndcg_at_k(ranked: list[int], judged: list[int], k: int) -> float:
    ideal = _dcg(sorted(judged, reverse=True), k)
    if ideal == 0:
        return 0.0
    return _dcg(ranked, k) / ideal
