# Counter.most_common breaks ties by first appearance, not alphabetically.
from collections import Counter


def top_k_frequent(queries, k):
    return [q for q, _ in Counter(queries).most_common(k)]
