ENTRY = "count_pairs_below"
ARITY = 2

CASES = [
    {"args": ([1, 2, 3, 4], 5), "expect": 2},
    {"args": ([], 10), "expect": 0},
    {"args": ([7], 100), "expect": 0},
    {"args": ([1, 1, 1], 3), "expect": 3},
    {"args": ([-5, -1, 0, 3, 8], 2), "expect": 4},
    {"args": ([2, 2, 2, 2], 4), "expect": 0},
    {"args": ([10, 20, 30], 15), "expect": 0},
    {
        "input": "nums = 0..99,999 and target = 100,000 (an O(n^2) loop runs out of time)",
        "args": lambda: (list(range(100_000)), 100_000),
        "expect": 2_500_000_000,
    },
]
