import math


def softmax_cross_entropy(logits: list[float], target: int) -> tuple[list[float], float]:
    if not 0 <= target < len(logits):
        raise IndexError("target is not a class index")
    top = max(logits)
    shifted = [z - top for z in logits]  # exp() of these never overflows
    log_total = math.log(sum(math.exp(s) for s in shifted))
    probs = [math.exp(s - log_total) for s in shifted]
    return probs, log_total - shifted[target]
