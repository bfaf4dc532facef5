# Updates the weights one at a time with errors recomputed in between, and never the bias.
def fit_linear_regression(X, y, lr, epochs):
    n, d = len(X), len(X[0])
    w = [0.0] * d
    for _ in range(epochs):
        for j in range(d):
            errors = [sum(a * x for a, x in zip(w, row)) - t for row, t in zip(X, y)]
            w[j] -= lr * 2 / n * sum(e * row[j] for e, row in zip(errors, X))
    return w, 0.0
