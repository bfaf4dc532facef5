def roc_auc(scores: list[float], labels: list[int]) -> float:
    """ROC AUC of scores against binary 0/1 labels, without a library function for it.

    A tied positive-negative pair counts as half. Raise ValueError when the labels hold only
    one class.
    """
    raise NotImplementedError
