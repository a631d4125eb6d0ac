"""The HTTP what-if service (FastAPI): the engine's questions over HTTP, and nothing more.

Every answer and every problem is the engine's, so the service and the command line cannot
disagree; this package only assembles the web parts: ``app`` wires them, ``deps`` hands routes
their inputs, ``routers`` ask the workspace, ``handlers`` turn exceptions into problem details,
``middleware`` guards requests, ``limits`` holds a request to the service's limits and
``schemas`` describes it all in the OpenAPI document.
"""
