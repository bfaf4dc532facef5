ENTRY = "merge_intervals"
ARITY = 1

CASES = [
    {"args": ([[1, 4], [2, 6], [8, 10]],), "expect": [[1, 6], [8, 10]]},
    {"args": ([],), "expect": []},
    {"args": ([[5, 7], [1, 2]],), "expect": [[1, 2], [5, 7]]},
    {"args": ([[1, 3], [3, 5]],), "expect": [[1, 3], [3, 5]]},
    {"args": ([[1, 10], [2, 3], [4, 5]],), "expect": [[1, 10]]},
    {"args": ([[6, 8], [1, 9], [2, 4]],), "expect": [[1, 9]]},
    {"args": ([[1, 2]],), "expect": [[1, 2]]},
    {
        "input": "200,000 intervals [2i, 2i + 3) in reverse order",
        "args": lambda: ([[2 * i, 2 * i + 3] for i in reversed(range(200_000))],),
        "expect": [[0, 400_001]],
    },
]
