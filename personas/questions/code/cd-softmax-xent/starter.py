def softmax_cross_entropy(logits: list[float], target: int) -> tuple[list[float], float]:
    """(softmax(logits), cross-entropy loss -log softmax(logits)[target]).

    Must stay finite and accurate for large logits such as [1000.0, 0.0]. Raise IndexError
    when target is not a valid class index.
    """
    raise NotImplementedError
