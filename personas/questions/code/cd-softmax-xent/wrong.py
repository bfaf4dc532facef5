# Subtracts the max for the softmax, but takes the log of a probability that underflowed.
import math


def softmax_cross_entropy(logits, target):
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    probs = [e / total for e in exps]
    return probs, -math.log(probs[target])
