"""Pure-ASGI middleware, one per module: each guards every request before any handler runs.

Pure ASGI (not ``BaseHTTPMiddleware``) so a guard sees the body as it streams in and costs no
extra task per request.
"""
