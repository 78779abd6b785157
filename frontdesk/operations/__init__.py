"""Operating Frontdesk: stats rollups and the summary, alert rules, outbound webhooks."""
