"""The HTTP edge: routes, dependencies, the error body, auth, middlewares and the wire models."""
