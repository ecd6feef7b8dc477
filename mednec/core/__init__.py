"""mednec's core: what every layer may import (models, pipeline, criteria and the app).

It imports nothing else of mednec, so the layers above stay one-way (see
``tests/test_layers.py``).
"""
