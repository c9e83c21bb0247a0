"""Resources of the experiments_sdk client (one module each)."""
