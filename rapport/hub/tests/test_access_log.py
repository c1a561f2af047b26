"""Hub tokens never reach gunicorn's access log."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config

from rapport.hub.access_log import RedactingLogger

TOKEN = "Bp4CV5p1y8Bthykc79KFDreNd287d7fa339d0ebaa3dc87deb616a98d"


def test_the_access_log_keeps_the_address_but_not_the_token():
    logger = RedactingLogger(Config())
    request = SimpleNamespace(
        method="POST", path=f"/h/{TOKEN}/messages/", query="", version=(1, 1), headers=[]
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/h/{TOKEN}/messages/",
        "PATH_INFO": f"/h/{TOKEN}/messages/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://rapport.example/h/{TOKEN}/",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))
    line = " ".join(str(v) for v in atoms.values())
    assert TOKEN not in line
    assert atoms["r"] == "POST /h/…/messages/ HTTP/1.1"
    assert atoms["f"] == "https://rapport.example/h/…/"
