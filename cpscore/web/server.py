"""Starting the service under uvicorn, and setting up administrators (``cpscore serve``)."""

from __future__ import annotations

import logging

from .service import Settings


def run(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from .app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(settings)
    where = settings.public_url or f"http://{host}:{port}"
    logging.getLogger("cpscore.web").info(
        "cpscore serving on %s (data in %s)", where, settings.data
    )
    # One process: the reading pool and the list cache live in it. proxy_headers for a reverse
    # proxy in front (TLS); server_header off, nothing to tell.
    uvicorn.run(
        app, host=host, port=port, proxy_headers=True, server_header=False, log_level="info"
    )
