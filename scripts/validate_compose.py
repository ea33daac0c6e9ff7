"""Validate docker-compose.yml without a Docker engine.

compose-spec checks the file against the Compose Specification (keys, types, durations); this
script adds the cross-references it does not check: depends_on targets, named volumes and the
health checks that `condition: service_healthy` relies on.
"""

import sys
from pathlib import Path

import compose_spec
import yaml


def main(path: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    compose_spec.PyOptions(apply_merge=True).from_yaml(text).validate()
    data = yaml.safe_load(text)
    services = data.get("services", {})
    volumes = set((data.get("volumes") or {}).keys())
    problems = []
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for target, spec in (
            depends.items() if isinstance(depends, dict) else [(d, {}) for d in depends]
        ):
            if target not in services:
                problems.append(f"{name}: depends_on unknown service {target}")
            elif (spec or {}).get(
                "condition"
            ) == "service_healthy" and "healthcheck" not in services[target]:
                problems.append(
                    f"{name}: waits for {target} to be healthy, but it has no healthcheck"
                )
        for mount in service.get("volumes") or []:
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount.get("source", "")
            if source and not source.startswith((".", "/", "$")) and source not in volumes:
                problems.append(f"{name}: volume {source} is not declared")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: valid ({len(services)} services)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
