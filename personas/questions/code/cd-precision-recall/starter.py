def precision_recall(y_true: list[int], y_pred: list[int]) -> tuple[float, float]:
    """Precision and recall of class 1 for binary 0/1 labels.

    Each is 0.0 when its denominator is 0. Raise ValueError when the lists differ in length.
    """
    raise NotImplementedError
