ENTRY = "StreamingMedian"

CASES = [
    {"calls": [("add", (5.0,)), ("median", ())], "expect": [..., 5.0]},
    {"calls": [("add", (1.0,)), ("add", (3.0,)), ("median", ())], "expect": [..., ..., 2.0]},
    {
        "calls": [("add", (4.0,)), ("add", (-1.0,)), ("add", (2.0,)), ("median", ())],
        "expect": [..., ..., ..., 2.0],
    },
    {
        "calls": [
            ("add", (2.0,)),
            ("add", (2.0,)),
            ("add", (2.0,)),
            ("add", (7.0,)),
            ("median", ()),
        ],
        "expect": [..., ..., ..., ..., 2.0],
    },
    {"calls": [("median", ())], "raises": "ValueError"},
    {
        "calls": [
            ("add", (9.0,)),
            ("median", ()),
            ("add", (1.0,)),
            ("median", ()),
            ("add", (5.0,)),
            ("median", ()),
        ],
        "expect": [..., 9.0, ..., 5.0, ..., 5.0],
    },
    {
        "input": "100,000 numbers 0..99,999 in a shuffled order, a median after each",
        "calls": [("add", (float((i * 7919) % 100_000),)) for i in range(100_000)]
        + [("median", ())],
        "expect": [...] * 100_000 + [49_999.5],
    },
]
