"""Request rate limits: the limiter, its ASGI middleware and the table a server's workers share."""
