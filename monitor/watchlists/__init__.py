"""Your own watchlists: alerts when a company you care about is listed, delisted or changed.

Configuration (config), name analysis (tokens, words), matching against an
index of watch entries (matching), the alerts table and its queries (tables,
alerts) and the apply hook that raises alerts inside a snapshot's transaction
(hooks).
"""
