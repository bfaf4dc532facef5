def precision_recall(y_true: list[int], y_pred: list[int]) -> tuple[float, float]:
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 1)
    predicted = sum(1 for p in y_pred if p == 1)
    actual = sum(1 for t in y_true if t == 1)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    return precision, recall
