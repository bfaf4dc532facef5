def kmeans_step(points, centroids):
    assignments = []
    for p in points:
        dists = [sum((a - b) ** 2 for a, b in zip(p, c)) for c in centroids]
        assignments.append(min(range(len(centroids)), key=lambda j: (dists[j], j)))
    new = []
    for j, c in enumerate(centroids):
        members = [p for p, a in zip(points, assignments) if a == j]
        if not members:
            new.append(list(c))
        else:
            new.append([sum(col) / len(members) for col in zip(*members)])
    return assignments, new
