def kmeans_step(
    points: list[list[float]], centroids: list[list[float]]
) -> tuple[list[int], list[list[float]]]:
    """One k-means iteration: (assignments, new centroids).

    Each point goes to its nearest centroid by Euclidean distance (ties to the lower index);
    each new centroid is the mean of its points; a centroid with no points stays where it was.
    NumPy is allowed; lists or arrays may be returned.
    """
    raise NotImplementedError
