"""Web pages served by the API: the embeddable chat widget, the agent console and a demo
page. Plain HTML, CSS and JavaScript with no build step; see :mod:`frontdesk.web.pages`."""
