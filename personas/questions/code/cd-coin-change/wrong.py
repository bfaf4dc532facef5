# Greedy: the largest coin first. Right for 1/5/10/25, wrong for coins like 1/3/4.
def min_coins(coins, amount):
    count = 0
    for coin in sorted(coins, reverse=True):
        count += amount // coin
        amount %= coin
    return count if amount == 0 else -1
