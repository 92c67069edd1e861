"""Package discovery; everything else about the distribution is in pyproject.toml.

Why a setup.py at all: ``[tool.setuptools.packages.find]`` in pyproject.toml finds folders by
their place in the tree, and cannot also install the top-level ``agents/`` and ``simulators/``
folders as ``dialgym.agents`` and ``dialgym.simulators`` (pyproject.toml's ``package-dir`` maps
them, but only for packages that are listed). So the ``dialgym*`` packages are found here, with
namespace folders included (``dialgym/data`` has no ``__init__.py``), and the two mapped ones added:
a new task folder under ``dialgym/tasks/`` installs without touching any packaging file.
"""

from setuptools import find_namespace_packages, setup

MAPPED = ["dialgym.agents", "dialgym.simulators"]  # see [tool.setuptools.package-dir] in pyproject.toml

setup(packages=[*find_namespace_packages(include=["dialgym", "dialgym.*"]), *MAPPED])
