"""Text to scores: the encoder and heads on torch or ONNX Runtime, and how they load."""
