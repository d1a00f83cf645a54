"""Packages of the wheel. Everything else is in pyproject.toml.

The project's top-level ``templates/`` and ``locale/`` are installed as
``registry/templates`` and ``registry/locale`` (settings look there when the checkout's
folders are absent), so that ``pip install .`` carries the public site whole.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["heritage*", "registry*"]),
        "registry.templates",
        "registry.locale",
    ],
    package_dir={"registry.templates": "templates", "registry.locale": "locale"},
)
