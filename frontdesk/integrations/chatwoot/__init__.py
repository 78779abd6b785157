"""Frontdesk as a Chatwoot Agent Bot: the connection (``config``), Chatwoot's events
(``events``), its REST API (``client``), what is posted back (``replies``) and the bridge
that runs a message through the conversation service and delivers the answer (``bridge``)."""
