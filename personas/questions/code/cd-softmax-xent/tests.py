import math

ENTRY = "softmax_cross_entropy"
ARITY = 2
TOLERANCE = 1e-9


def _expect(logits, target):
    top = max(logits)
    lse = top + math.log(sum(math.exp(z - top) for z in logits))
    return [math.exp(z - lse) for z in logits], lse - logits[target]


CASES = [
    {"args": ([0.0, 0.0], 0), "expect": ([0.5, 0.5], math.log(2))},
    {"args": ([1.0, 2.0, 3.0], 2), "expect": _expect([1.0, 2.0, 3.0], 2)},
    {"args": ([1000.0, 0.0], 0), "expect": ([1.0, 0.0], 0.0)},
    {"args": ([0.0, 1000.0], 0), "expect": ([0.0, 1.0], 1000.0)},
    {"args": ([-1000.0, -1000.0, -1000.0], 1), "expect": ([1 / 3] * 3, math.log(3))},
    {"args": ([5.0], 0), "expect": ([1.0], 0.0)},
    {"args": ([1.0, 2.0], 2), "raises": "IndexError"},
]
