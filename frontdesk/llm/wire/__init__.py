"""Wire formats: how a chat request and its reply are written on the wire, one module per
API family, with no HTTP in them (that is :mod:`frontdesk.llm.transport`)."""
