"""Training, ONNX export, verification and packaging for Shipyard's bundled models."""
