def ndcg_at_k(ranked: list[int], judged: list[int], k: int) -> float:
    """NDCG@k for one query.

    ranked: relevance grades (0-3) in the order the system ranked the results.
    judged: every judged grade for the query (the ideal ranking is these, sorted).
    Gain 2**rel - 1, discount log2(position + 1) with positions from 1. 0.0 when no judged
    item is relevant.
    """
    raise NotImplementedError
