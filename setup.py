"""Packaging details pyproject.toml cannot express: the theme folder at the top of the
repository ships inside the package as site_builder.themes, so an installed
site-builder can build a site that has no themes/ of its own."""

from setuptools import find_namespace_packages, setup

DATA = ["*.yaml", "*.yml", "*.md", "*.txt", "*.json", "*.html", "*.css", "*.js", "*.xml", "*.j2", "*.tmpl"]

setup(
    # Namespace discovery also picks up data-only folders (scaffolds) inside the package.
    packages=[*find_namespace_packages(include=["site_builder", "site_builder.*"], exclude=["*__pycache__"]),
              "site_builder.themes"],
    package_dir={"site_builder.themes": "themes"},
    package_data={"": DATA, "site_builder.themes": ["**/*"]},
)
