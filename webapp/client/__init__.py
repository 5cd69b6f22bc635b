"""The command-line client of a running server: `python -m webapp analyze`.

`api.py` (HTTP session and the server's errors), `sse.py` (a Server-Sent Events reader that
reconnects with Last-Event-ID), `progress.py` (a live bar on a terminal, plain lines otherwise),
`summary.py` (a report as text) and `analyze.py` (the command) are separate so that a list
command (`batch`) can reuse the first three.
"""
