"""The book's named runs: the catalogue of experiments, running and caching them, the original's claims, the build profile, saving networks."""
