def fit_linear_regression(X, y, lr, epochs):
    n, d = len(X), len(X[0])
    w, b = [0.0] * d, 0.0
    for _ in range(epochs):
        errors = [sum(wj * xj for wj, xj in zip(w, row)) + b - target for row, target in zip(X, y)]
        grad_w = [2 / n * sum(e * row[j] for e, row in zip(errors, X)) for j in range(d)]
        grad_b = 2 / n * sum(errors)
        w = [wj - lr * g for wj, g in zip(w, grad_w)]
        b -= lr * grad_b
    return w, b
