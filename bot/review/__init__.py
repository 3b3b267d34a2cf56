"""The review book for safeguarding staff: every screen with its buttons, cards and sources."""
