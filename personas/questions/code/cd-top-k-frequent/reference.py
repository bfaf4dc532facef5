import heapq
from collections import Counter


def top_k_frequent(queries: list[str], k: int) -> list[str]:
    counts = Counter(queries)
    return heapq.nsmallest(k, counts, key=lambda q: (-counts[q], q))
