import math

ENTRY = "ndcg_at_k"
ARITY = 3
TOLERANCE = 1e-9


def _dcg(grades, k):
    return sum((2**rel - 1) / math.log2(pos + 2) for pos, rel in enumerate(grades[:k]))


CASES = [
    {"args": ([3, 2, 1], [3, 2, 1], 3), "expect": 1.0},
    {"args": ([0, 0, 0], [0, 0], 3), "expect": 0.0},
    {"args": ([1, 3], [3, 1], 2), "expect": _dcg([1, 3], 2) / _dcg([3, 1], 2)},
    {"args": ([2, 0, 1], [3, 2, 1, 0], 3), "expect": _dcg([2, 0, 1], 3) / _dcg([3, 2, 1], 3)},
    {"args": ([0, 3, 3], [3, 3, 0], 1), "expect": 0.0},
    {"args": ([1], [1, 2], 5), "expect": _dcg([1], 5) / _dcg([2, 1], 5)},
    {"args": ([3, 3, 2, 2, 1], [3, 3, 2, 2, 1], 10), "expect": 1.0},
]
