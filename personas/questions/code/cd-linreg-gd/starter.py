def fit_linear_regression(
    X: list[list[float]], y: list[float], lr: float, epochs: int
) -> tuple[list[float], float]:
    """Batch gradient descent on the mean squared error L = (1/n) * sum((x.w + b - y)^2).

    Start from w = 0 and b = 0; each epoch computes the gradient of L on all n rows, then
    updates w and b together: w -= lr * dL/dw, b -= lr * dL/db. Return (w, b).
    NumPy is allowed.
    """
    raise NotImplementedError
