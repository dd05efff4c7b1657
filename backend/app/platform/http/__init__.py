"""Response plumbing: the envelope, errors and their handlers, middleware, CORS, OpenAPI."""
