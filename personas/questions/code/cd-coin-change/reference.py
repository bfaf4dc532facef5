def min_coins(coins: list[int], amount: int) -> int:
    best = [0] + [amount + 1] * amount  # amount + 1 stands for "impossible"
    for value in range(1, amount + 1):
        for coin in coins:
            if coin <= value and best[value - coin] + 1 < best[value]:
                best[value] = best[value - coin] + 1
    return best[amount] if best[amount] <= amount else -1
