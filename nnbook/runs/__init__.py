"""The book's named runs: the catalogue of experiments, running and caching them (each kind's outcome a typed value), the original's claims, the build profile, saving networks."""
