"""Help desks Frontdesk plugs into as their bot (Chatwoot). The generic outbound path for
any other help desk is the ``handoff.created`` webhook (``operations/webhooks.py``)."""
