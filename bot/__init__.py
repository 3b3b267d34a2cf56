"""A guided safety-planning chat for people experiencing stalking or harassment."""
