"""Chapter science: baselines, timings, the per-example reference, universality's constructions, gradient speeds."""
