# A package, so this folder's conftest is imported as `e2e.conftest` and does not replace the
# top-level `conftest` module that the other test modules import helpers from.
