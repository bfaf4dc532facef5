ENTRY = "top_k_frequent"
ARITY = 2

CASES = [
    {"args": (["a", "b", "a", "c", "b", "a"], 2), "expect": ["a", "b"]},
    {"args": (["x"], 1), "expect": ["x"]},
    {"args": ([], 3), "expect": []},
    {"args": (["b", "a", "c"], 2), "expect": ["a", "b"]},
    {"args": (["z", "z", "y", "y", "x"], 3), "expect": ["y", "z", "x"]},
    {"args": (["q", "p"], 5), "expect": ["p", "q"]},
    {"args": (["cat", "dog", "cat", "emu", "dog", "ant"], 3), "expect": ["cat", "dog", "ant"]},
    {
        "input": "100,000 queries over 1,000 distinct strings, k = 3",
        "args": lambda: ([f"q{i % 1000:03d}" for i in range(100_000)] + ["q500"] * 2, 3),
        "expect": ["q500", "q000", "q001"],
    },
]
