# Counts only strictly correct pairs: ties count as zero instead of a half.
def roc_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    if not pos or not neg:
        raise ValueError("one class")
    wins = sum(1 for p in pos for n in neg if p > n)
    return wins / (len(pos) * len(neg))
