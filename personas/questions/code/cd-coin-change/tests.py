ENTRY = "min_coins"
ARITY = 2

CASES = [
    {"args": ([1, 5, 10, 25], 63), "expect": 6},
    {"args": ([2], 3), "expect": -1},
    {"args": ([1], 0), "expect": 0},
    {"args": ([1, 3, 4], 6), "expect": 2},
    {"args": ([5, 7], 1), "expect": -1},
    {"args": ([186, 419, 83, 408], 6249), "expect": 20},
    {"args": ([3, 7], 11), "expect": -1},
    {"args": ([2, 5], 11), "expect": 4},
    {
        "input": "coins = [7, 13, 29, 31], amount = 20,000",
        "args": ([7, 13, 29, 31], 20_000),
        "expect": 646,
    },
]
