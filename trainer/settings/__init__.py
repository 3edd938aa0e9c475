"""Settings: `base` reads the environment; `dev`, `test` and `prod` are small overlays."""
