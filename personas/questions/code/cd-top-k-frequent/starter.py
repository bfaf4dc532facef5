def top_k_frequent(queries: list[str], k: int) -> list[str]:
    """The k most frequent queries, most frequent first; ties in alphabetical order.

    Return fewer than k when there are fewer distinct queries; an empty list for no queries.
    """
    raise NotImplementedError
