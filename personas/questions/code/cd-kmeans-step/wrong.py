# An empty cluster's centroid collapses to the origin instead of staying put.
def kmeans_step(points, centroids):
    assignments = []
    for p in points:
        dists = [sum((a - b) ** 2 for a, b in zip(p, c)) for c in centroids]
        assignments.append(dists.index(min(dists)))
    sums = [[0.0] * len(centroids[0]) for _ in centroids]
    counts = [0] * len(centroids)
    for p, a in zip(points, assignments):
        counts[a] += 1
        sums[a] = [s + x for s, x in zip(sums[a], p)]
    return assignments, [[s / max(n, 1) for s in row] for row, n in zip(sums, counts)]
