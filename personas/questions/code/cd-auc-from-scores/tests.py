ENTRY = "roc_auc"
ARITY = 2
TOLERANCE = 1e-9

CASES = [
    {"args": ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), "expect": 0.75},
    {"args": ([0.9, 0.8, 0.1], [1, 1, 0]), "expect": 1.0},
    {"args": ([0.9, 0.8, 0.1], [0, 0, 1]), "expect": 0.0},
    {"args": ([0.5, 0.5], [1, 0]), "expect": 0.5},
    {"args": ([0.3, 0.3, 0.7, 0.1], [1, 0, 1, 0]), "expect": 0.875},
    {"args": ([0.2, 0.6], [1, 1]), "raises": "ValueError"},
    {"args": ([-3.0, 2.5, 100.0], [0, 1, 0]), "expect": 0.5},
    {
        "input": "200,000 scores where score = label + a small offset (AUC 1.0)",
        "args": lambda: (
            [(i % 2) + (i % 1000) / 10_000 for i in range(200_000)],
            [i % 2 for i in range(200_000)],
        ),
        "expect": 1.0,
    },
]
