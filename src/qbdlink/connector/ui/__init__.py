"""The connector's desktop windows (tkinter): the setup wizard and the status window.

- ``presenter``: the pure view-models the windows render (steps, texts, each error's message and
  fix, scaling). No tkinter: unit-tested without a display.
- ``actions``: what each button does, as calls of the connector's engine (the same functions the
  CLI calls). No tkinter either.
- ``wizard``, ``status_window``: the tkinter windows. They draw the presenter's models and run
  the actions in a background thread that reports through a queue polled with ``after()``.

``tkinter`` is imported only by ``wizard`` and ``status_window``, so the rest of the connector
(and the CLI) works where Tk is missing.
"""
