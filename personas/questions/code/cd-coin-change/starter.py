def min_coins(coins: list[int], amount: int) -> int:
    """The fewest coins (each denomination usable any number of times) that sum to amount;
    -1 when no combination does. amount 0 needs 0 coins."""
    raise NotImplementedError
