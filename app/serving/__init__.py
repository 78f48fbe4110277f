"""The model's life and throughput: the engine loader, the batcher, draining, rate-limit buckets."""
