ENTRY = "fit_linear_regression"
ARITY = 4
TOLERANCE = 1e-6


def _gd(X, y, lr, epochs):
    # The contract, written out independently of any candidate's structure.
    n, d = len(X), len(X[0])
    w, b = [0.0] * d, 0.0
    for _ in range(epochs):
        pred = [sum(w[j] * X[i][j] for j in range(d)) + b for i in range(n)]
        gw = [sum(2 * (pred[i] - y[i]) * X[i][j] for i in range(n)) / n for j in range(d)]
        gb = sum(2 * (pred[i] - y[i]) for i in range(n)) / n
        w = [w[j] - lr * gw[j] for j in range(d)]
        b = b - lr * gb
    return w, b


def _line(n):
    xs = [[i / n, (i % 7) / 7] for i in range(n)]
    return xs, [3.0 * a - 2.0 * c + 0.5 for a, c in xs]


def _recovers(got, w, b):
    """None when (w, b) are within 0.01 of the true line, else what was returned."""
    found = [float(v) for v in got[0]] + [float(got[1])]
    if len(found) == len(w) + 1 and all(abs(a - e) < 1e-2 for a, e in zip(found, [*w, b])):
        return None
    return f"returned w = {[round(v, 3) for v in found[:-1]]}, b = {round(found[-1], 3)}"


X1, Y1 = [[1.0], [2.0], [3.0]], [2.0, 4.0, 6.0]
X2, Y2 = _line(50)

CASES = [
    {"args": (X1, Y1, 0.1, 1), "expect": _gd(X1, Y1, 0.1, 1)},
    {"args": (X1, Y1, 0.05, 3), "expect": _gd(X1, Y1, 0.05, 3)},
    {"args": ([[0.0], [0.0]], [1.0, 3.0], 0.5, 1), "expect": ([0.0], 2.0)},
    {"args": (X1, Y1, 0.1, 0), "expect": ([0.0], 0.0)},
    {
        "input": "50 rows, y = 3 x1 - 2 x2 + 0.5, lr 0.1, 5 epochs",
        "args": (X2, Y2, 0.1, 5),
        "expect": _gd(X2, Y2, 0.1, 5),
    },
    {
        "input": "50 rows, y = 3 x1 - 2 x2 + 0.5, lr 0.5, 3,000 epochs: the fit recovers the line",
        "args": (X2, Y2, 0.5, 3000),
        "check": lambda got: _recovers(got, [3.0, -2.0], 0.5),
    },
]
