"""Chapter science: baselines, timings, the per-example reference, universality's constructions, gradient speeds, adversarial examples, ReLU scaling and the appendix's arithmetic."""
