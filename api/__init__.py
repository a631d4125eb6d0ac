"""The HTTP what-if service (FastAPI): a thin layer over ``engine``; built in its own issue."""
