ENTRY = "LRUCache"

CASES = [
    {"init": (2,), "calls": [("put", ("a", 1)), ("get", ("a",))], "expect": [..., 1]},
    {"init": (2,), "calls": [("get", ("missing",))], "expect": [None]},
    {
        "init": (2,),
        "calls": [
            ("put", ("a", 1)),
            ("put", ("b", 2)),
            ("get", ("a",)),
            ("put", ("c", 3)),
            ("get", ("b",)),
            ("get", ("a",)),
            ("get", ("c",)),
        ],
        "expect": [..., ..., 1, ..., None, 1, 3],
    },
    {
        "init": (2,),
        "calls": [
            ("put", ("a", 1)),
            ("put", ("b", 2)),
            ("put", ("a", 10)),
            ("put", ("c", 3)),
            ("get", ("a",)),
            ("get", ("b",)),
        ],
        "expect": [..., ..., ..., ..., 10, None],
    },
    {
        "init": (1,),
        "calls": [("put", (1, [0.5])), ("put", (2, [0.7])), ("get", (1,)), ("get", (2,))],
        "expect": [..., ..., None, [0.7]],
    },
    {
        "input": "capacity 1,000; 100,000 puts and gets; the last get",
        "init": (1000,),
        "calls": [("put", (i, i)) for i in range(50_000)]
        + [("get", (i,)) for i in range(49_000, 99_000)],
        "expect": [...] * 99_999 + [None],
    },
]
