"""Server-rendered pages: the Link flow and the client portal."""
