ENTRY = "two_sum"
ARITY = 2

CASES = [
    {"args": ([2, 7, 11, 15], 9), "expect": (0, 1)},
    {"args": ([3, 2, 4], 6), "expect": (1, 2)},
    {"args": ([3, 3], 6), "expect": (0, 1)},
    {"args": ([1, 2, 3], 100), "expect": None},
    {"args": ([], 0), "expect": None},
    {"args": ([-4, 8, 1, 4], 0), "expect": (0, 3)},
    {"args": ([5, 1, 5, 4], 10), "expect": (0, 2)},
    {
        "input": "200,000 distinct even numbers and target = the sum of the last two",
        "args": lambda: (list(range(0, 400_000, 2)), 399_998 + 399_996),
        "expect": (199_998, 199_999),
    },
]
