"""The platforms people talk to the bot on: each turns what people do into events and renders outputs."""
