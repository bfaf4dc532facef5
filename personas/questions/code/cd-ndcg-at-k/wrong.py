# The ideal DCG comes from the ranked list itself, not from every judged grade.
import math


def ndcg_at_k(ranked, judged, k):
    def dcg(grades):
        return sum((2**r - 1) / math.log2(i + 2) for i, r in enumerate(grades[:k]))

    ideal = dcg(sorted(ranked, reverse=True))
    return dcg(ranked) / ideal if ideal else 0.0
