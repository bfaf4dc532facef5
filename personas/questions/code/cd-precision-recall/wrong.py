# Swaps the denominators (precision over actual positives) and never checks the lengths.
def precision_recall(y_true, y_pred):
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 1)
    actual = sum(y_true)
    predicted = sum(y_pred)
    return (tp / actual if actual else 0.0), (tp / predicted if predicted else 0.0)
