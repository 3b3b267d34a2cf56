"""The web chat: server-rendered pages that work without JavaScript, with a quick exit on every page."""
