"""(placeholder: the part's helper writes this module)"""

from ninja import Router

router = Router(tags=["Tracking"])
