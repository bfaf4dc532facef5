ENTRY = "SlidingWindowStats"
TOLERANCE = 1e-6
_VALUES = [float(i) for i in range(25_000)] + [float(25_000 - i) for i in range(25_000)]

CASES = [
    {"init": (3,), "calls": [("add", (1.0,)), ("add", (2.0,))], "expect": [(1.0, 1.0), (1.5, 2.0)]},
    {
        "init": (3,),
        "calls": [
            ("add", (5.0,)),
            ("add", (4.0,)),
            ("add", (3.0,)),
            ("add", (2.0,)),
            ("add", (1.0,)),
        ],
        "expect": [(5.0, 5.0), (4.5, 5.0), (4.0, 5.0), (3.0, 4.0), (2.0, 3.0)],
    },
    {
        "init": (1,),
        "calls": [("add", (2.0,)), ("add", (7.0,)), ("add", (0.0,))],
        "expect": [(2.0, 2.0), (7.0, 7.0), (0.0, 0.0)],
    },
    {
        "init": (2,),
        "calls": [("add", (3.0,)), ("add", (3.0,)), ("add", (1.0,)), ("add", (1.0,))],
        "expect": [(3.0, 3.0), (3.0, 3.0), (2.0, 3.0), (1.0, 1.0)],
    },
    {
        "init": (4,),
        "calls": [
            ("add", (0.0,)),
            ("add", (8.0,)),
            ("add", (4.0,)),
            ("add", (2.0,)),
            ("add", (6.0,)),
        ],
        "expect": [(0.0, 0.0), (4.0, 8.0), (4.0, 8.0), (3.5, 8.0), (5.0, 8.0)],
    },
    {
        "input": "w = 1,000 over 50,000 values rising then falling; the last (mean, max)",
        "init": (1000,),
        "calls": [("add", (v,)) for v in _VALUES],
        "expect": [...] * (len(_VALUES) - 1)
        + [(sum(_VALUES[-1000:]) / 1000, max(_VALUES[-1000:]))],
    },
]
