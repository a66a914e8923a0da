"""Chapter science: baselines, timings, the per-example reference, universality's constructions, gradient speeds, adversarial examples and ReLU scaling."""
