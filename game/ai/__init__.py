"""Computer players (see `game.ai.players` for the interface every player, human or AI, meets)."""
