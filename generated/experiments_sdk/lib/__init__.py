"""Hand-written code for this SDK lives in this folder: sdksmith never changes it."""
