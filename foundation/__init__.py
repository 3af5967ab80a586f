"""The ground floor: what every package of the project may import and which imports none of them.

- :mod:`foundation.errors`: the one error type a user can cause (``SandboxError``) and how any
  failure is written in one line;
- :mod:`foundation.config`: the one way to validate configuration (pydantic models, their errors
  as one message, what is allowed in words).
"""
