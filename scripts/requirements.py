"""Print the dependencies declared in pyproject.toml, one per line, for `pip install -r -`.

The project is an application, not a library, so it is not installed into the venv; this keeps
pyproject.toml the one place where dependencies and their bounds are declared.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())[
    "project"
]
deps = list(project["dependencies"])
for extra in sys.argv[1:]:
    deps += project["optional-dependencies"][extra]
print("\n".join(deps))
